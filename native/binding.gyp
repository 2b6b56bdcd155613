{
  "targets": [
    {
      "target_name": "kscope_native",
      "sources": [
        "src/kscope_native.cc",
        "src/btf.cc",
        "src/elf_symbols.cc",
        "src/usdt.cc",
        "src/process.cc",
        "src/prog_load.cc",
        "src/fd_passing.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags": ["<!@(pkg-config --cflags libbpf libelf)"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "<!@(pkg-config --cflags libbpf libelf)"],
      "libraries": ["<!@(pkg-config --libs libbpf libelf)"]
    }
  ]
}
