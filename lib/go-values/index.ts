/**
 * Values in Go's syntax, parsed and printed as Go does, with Go's error wording: Knative's and Istio's
 * ConfigMaps, annotations and proxy settings hold them (durations such as `6s` or `1m30s`, `strconv` numbers
 * and booleans).
 */
export { formatGoDuration, parseGoDuration } from './duration.ts';
export { parseGoBool, parseGoFloat, parseGoInt32 } from './strconv.ts';
