import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_IMAGES_FILE, WorkloadImagesError, loadWorkloadImages, parseWorkloadImages } from './workloads.ts';
import { displayImage, parseImageReference } from './image-reference.ts';

const dir = mkdtempSync(join(tmpdir(), 'gauntlet-images-'));
mkdirSync(join(dir, 'app'));
writeFileSync(join(dir, 'app', 'main.js'), '');
const file = join(dir, 'images.yaml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (over: Record<string, unknown> = {}) => ({
  image: 'gauntlet/app',
  description: 'an app',
  command: ['{node}', './app/main.js', '--flag'],
  bindAddressEnv: 'HOST',
  ...over,
});
const parse = (doc: unknown) => parseWorkloadImages(JSON.stringify(doc), file);
const problemOf = (doc: unknown): string => {
  try {
    parse(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(WorkloadImagesError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('image references', () => {
  it.each([
    ['gauntlet/probe', 'docker.io/gauntlet/probe', undefined],
    ['gauntlet/probe:0.1.0', 'docker.io/gauntlet/probe', '0.1.0'],
    ['docker.io/gauntlet/probe:tag', 'docker.io/gauntlet/probe', 'tag'],
    ['index.docker.io/gauntlet/probe', 'docker.io/gauntlet/probe', undefined],
    ['nginx', 'docker.io/library/nginx', undefined],
    ['localhost:5000/a/b:1', 'localhost:5000/a/b', '1'],
    ['ghcr.io/gauntlet/probe', 'ghcr.io/gauntlet/probe', undefined],
  ])('%s is repository %s', (ref, repository, tag) => {
    expect(parseImageReference(ref)).toMatchObject({ repository, tag });
  });

  it('splits off a digest', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`gauntlet/probe@${d}`)).toEqual({ repository: 'docker.io/gauntlet/probe', tag: undefined, digest: d });
    expect(displayImage(parseImageReference(`gauntlet/probe@${d}`)!)).toBe(`docker.io/gauntlet/probe@${d}`);
  });

  it.each(['', 'UPPER/case', 'a//b', 'a/b:', ' a/b', 'a/b@sha256:short'])('rejects %j', (ref) => {
    expect(parseImageReference(ref)).toBeUndefined();
  });

  it('displays with the default tag', () => {
    expect(displayImage(parseImageReference('gauntlet/probe')!)).toBe('docker.io/gauntlet/probe:latest');
  });
});

describe('the image map', () => {
  it('matches images by normalized repository, ignoring tags', () => {
    const images = parse({ workloads: [entry()] });
    for (const image of ['gauntlet/app', 'gauntlet/app:0.1.0', 'docker.io/gauntlet/app:x', 'gauntlet/app@sha256:' + 'b'.repeat(64)]) {
      expect(images.find(image)?.image).toBe('gauntlet/app');
    }
    for (const image of ['ghcr.io/gauntlet/app', 'gauntlet/app2', 'app', 'NOT VALID']) {
      expect(images.find(image)).toBeUndefined();
    }
  });

  it('resolves {node} and relative paths against the directory of the image map', () => {
    const [w] = parse({ workloads: [entry()] }).workloads;
    expect(w?.command).toEqual([process.execPath, join(dir, 'app', 'main.js'), '--flag']);
    expect(w?.imageID).toMatch(/^docker\.io\/gauntlet\/app@sha256:[0-9a-f]{64}$/);
  });

  it('leaves a bare program name to the PATH and resolves a program path', () => {
    const [a, b] = parse({ workloads: [entry({ command: ['python3', '-m', 'x'] }), entry({ image: 'x/y', command: ['app/main.js'] })] }).workloads;
    expect(a?.command).toEqual(['python3', '-m', 'x']);
    expect(b?.command).toEqual([join(dir, 'app', 'main.js')]);
  });

  it('names the file and the field of a bad entry', () => {
    const msg = problemOf({ workloads: [entry(), entry({ image: 'x/y', bindAddressEnv: 'not a name' })] });
    expect(msg).toContain(file);
    expect(msg).toContain('workloads[1].bindAddressEnv: must be an environment variable name');
  });

  it.each([
    [{ workloads: [entry({ image: 'gauntlet/app:1.0' })] }, 'workloads[0].image: must be an image repository without tag'],
    [{ workloads: [entry({ command: [] })] }, 'workloads[0].command: must name a program'],
    [{ workloads: [entry({ description: undefined })] }, 'workloads[0].description'],
    [{ workloads: [entry({ extra: 1 })] }, 'workloads[0]'],
    [{ workloads: [entry(), entry({ image: 'docker.io/gauntlet/app' })] }, 'workloads[1].image: repeats workloads[0].image'],
    [{ workloads: [entry({ command: ['{node}', './missing.js'] })] }, 'workloads[0].command[1]: ./missing.js does not exist'],
    [{ items: [] }, 'workloads'],
  ])('rejects %j', (doc, expected) => {
    expect(problemOf(doc)).toContain(expected);
  });

  it('reports YAML syntax errors and unreadable files with the file name', () => {
    expect(() => parseWorkloadImages('workloads: [', file)).toThrow(new RegExp(`${file}[\\s\\S]*not valid YAML`));
    expect(() => loadWorkloadImages(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml[\s\S]*cannot be read/);
  });

  it('the project image map is valid and runs the probe for gauntlet/probe', () => {
    const images = loadWorkloadImages();
    expect(images.file).toBe(DEFAULT_IMAGES_FILE);
    const probe = images.find('gauntlet/probe:0.1.0');
    expect(probe?.bindAddressEnv).toBe('HOST');
    expect(probe?.command[0]).toBe(process.execPath);
    expect(probe?.command[1]).toMatch(/fixtures\/workloads\/probe\/main\.ts$/);
  });
});
