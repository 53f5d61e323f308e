// Finds Debian's OpenMP build of OpenBLAS (package libopenblas0-openmp). Run as a script, it
// prints the folder that binding.gyp links the addon against, or nothing: OpenBLAS then shares
// libtorch's OpenMP thread pool instead of running its own pthreads that fight OpenMP's for the
// cores. LIBTORCH (another libtorch brings its own BLAS) or LATENTLAB_BLAS=system turn it off.
const { existsSync } = require('node:fs');

const triplets = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', ppc64: 'powerpc64le-linux-gnu', s390x: 's390x-linux-gnu' };

function openmpBlasDir() {
  const dir = `/usr/lib/${triplets[process.arch] ?? ''}/openblas-openmp`;
  return existsSync(`${dir}/libblas.so.3`) ? dir : '';
}

module.exports = { openmpBlasDir };

if (require.main === module && !process.env.LIBTORCH && process.env.LATENTLAB_BLAS !== 'system') {
  const dir = openmpBlasDir();
  if (dir) console.log(dir);
}
