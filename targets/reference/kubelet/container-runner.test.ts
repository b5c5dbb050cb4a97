import { describe, expect, it } from 'vitest';
import { NODE_COMPILE_CACHE_DIR, withCompileCache } from './container-runner.ts';

describe('withCompileCache', () => {
  it('gives Node programs the per-user compile cache', () => {
    expect(withCompileCache(process.execPath, { PATH: '/bin' })).toEqual({ PATH: '/bin', NODE_COMPILE_CACHE: NODE_COMPILE_CACHE_DIR });
    expect(NODE_COMPILE_CACHE_DIR).toMatch(/node-compile-cache$/);
  });

  it('leaves other programs, and a container that names its own cache, as they are', () => {
    expect(withCompileCache('/bin/sh', { PATH: '/bin' })).toEqual({ PATH: '/bin' });
    expect(withCompileCache(process.execPath, { NODE_COMPILE_CACHE: '/tmp/mine' })).toEqual({ NODE_COMPILE_CACHE: '/tmp/mine' });
  });
});
