// swift-tools-version:6.1
// camrec's benchmarks: a package of its own, so that the main package's build (and CI) never
// pulls in ordo-one's benchmark (formerly package-benchmark) and its dependencies.
//
//   cd Benchmarks && swift package benchmark            # the package-benchmark suites
//   tools/bench                                         # camrec against `zstd -b` on the same bytes
import PackageDescription

// The main package is the folder above; a path dependency's identity is its folder's name, which
// is whatever the clone was called ("camrec", "main", ...).
let camrec = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "camrec"

let package = Package(
    name: "camrec-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // The MallocInterposer trait alone: on Linux with Swift 6.3 the default traits would also
        // bring in the ARC runtime interposer, which these benchmarks do not need.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        // libzstd called directly, for the "zstd alone" reference inside the same process.
        .systemLibrary(name: "CZstdBench", path: "Support/CZstdBench", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        // Frames, a pre-rendered frame source and the store runs, shared by the suite and the tool.
        .target(name: "StoreBenchSupport",
                dependencies: [
                    "CZstdBench",
                    .product(name: "CamrecStore", package: camrec),
                    .product(name: "CamrecEngine", package: camrec),
                    .product(name: "V4L2Vocabulary", package: camrec),
                ],
                path: "Support/StoreBenchSupport"),
        // The package-benchmark suite (Benchmarks/<Name>/<Name>.swift, found by the plugin).
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: [
                "StoreBenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CamrecStore", package: camrec),
            ],
            path: "Benchmarks/StoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // `camrec info` and a single-frame fetch on a 1M-buffer recording.
        .executableTarget(
            name: "InspectBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CamrecStore", package: camrec),
                .product(name: "CamrecInspect", package: camrec),
                .product(name: "V4L2Vocabulary", package: camrec),
            ],
            path: "Benchmarks/InspectBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // A plain command-line driver for tools/bench: dumps frames, prints medians.
        .executableTarget(name: "camrec-storebench", dependencies: ["StoreBenchSupport"],
                          path: "Tools/camrec-storebench"),
    ],
    swiftLanguageModes: [.v6]
)
