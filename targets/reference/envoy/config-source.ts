/**
 * An xDS config source that reads a discovery response from a file Envoy watches: a file renamed into `dir`
 * (an atomic replace) makes Envoy reload `path`. Used for LDS, CDS and RDS, and for SDS secrets.
 */
export function watchedFile(path: string, dir: string): object {
  return { resource_api_version: 'V3', path_config_source: { path, watched_directory: { path: dir } } };
}
