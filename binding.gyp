{
  "variables": {
    "libtorch%": "<!(node -p \"process.env.LIBTORCH || ''\")",
    "openmp_blas%": "<!(node scripts/openmp-blas-dir.cjs)"
  },
  "targets": [
    {
      "target_name": "latentlab",
      "sources": [
        "native/addon.cc",
        "native/ops.cc",
        "native/tensor_data.cc",
        "native/autograd.cc",
        "native/serialize.cc",
        "native/runtime.cc",
        "native/random.cc",
        "native/optim.cc",
        "native/profiler.cc",
        "native/allocator.cc",
        "native/fused_loss.cc",
        "native/fused_rbm.cc",
        "native/conv_transpose.cc",
        "native/gemm.cc",
        "native/linear.cc",
        "native/distributed.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["USE_C10D_GLOO", "NAPI_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS", "NAPI_EXPERIMENTAL", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-ffp-contract=off", "-Wno-unused-parameter", "-fopenmp"],
      "libraries": ["-ltorch", "-ltorch_cpu", "-lc10"],
      "conditions": [
        ["openmp_blas!=''", {
          "libraries": ["-Wl,--no-as-needed", "<(openmp_blas)/libblas.so.3", "<(openmp_blas)/liblapack.so.3", "-Wl,-rpath,<(openmp_blas)", "-Wl,--as-needed"]
        }],
        ["libtorch==''", {
          "include_dirs": ["/usr/include/torch/csrc/api/include"],
          "ldflags": ["-fopenmp"],
          # Debian's libtorch links oneDNN as a library of its own, whose C API gemm.cc calls.
          "defines": ["LATENTLAB_DNNL_SGEMM=1"],
          "libraries": ["-l:libdnnl.so.2"]
        }, {
          "include_dirs": ["<(libtorch)/include", "<(libtorch)/include/torch/csrc/api/include"],
          "library_dirs": ["<(libtorch)/lib"],
          # No -fopenmp when linking against a downloaded libtorch: the addon's GOMP calls then resolve
          # to the OpenMP runtime libtorch ships and loads (one runtime, one thread pool).
          "libraries": ["-L<(libtorch)/lib", "-Wl,-rpath,<(libtorch)/lib"]
        }]
      ]
    }
  ]
}
