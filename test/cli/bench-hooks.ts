// Module hooks for test/cli/bench.test.ts: resolving any benchmark module but the two lists of
// names (reduce tasks, engine workloads) fails,
// so a command that loads the benchmarks before its action runs fails under them.
type Resolved = { url: string };
type NextResolve = (specifier: string, context: unknown) => Promise<Resolved>;

export async function resolve(specifier: string, context: unknown, nextResolve: NextResolve): Promise<Resolved> {
  const resolved = await nextResolve(specifier, context);
  if (/\/src\/bench\/(?!(reduce-tasks|workload-names)\.js$)[^/]+$/.test(resolved.url)) throw new Error(`benchmark module loaded: ${resolved.url}`);
  return resolved;
}
