// swift-tools-version:6.1
// camrec: a record-and-replay frame recorder for Linux V4L2 cameras.
// Dependencies point one way: camrec -> CamrecEngine/CamrecInspect -> CamrecStore and V4L2 -> C targets,
// and everything Swift -> V4L2Vocabulary (plain V4L2 values, no dependencies).
import PackageDescription

let package = Package(
    name: "camrec",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "camrec", targets: ["camrec"]),
        .library(name: "CamrecStore", targets: ["CamrecStore"]),
        .library(name: "CamrecEngine", targets: ["CamrecEngine"]),
        .library(name: "CamrecInspect", targets: ["CamrecInspect"]),
        .library(name: "V4L2", targets: ["V4L2"]),
        .library(name: "V4L2Vocabulary", targets: ["V4L2Vocabulary"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // C and system-library targets.
        .target(name: "CV4L2", path: "Sources/CV4L2"),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CV4LConvert", path: "Sources/CV4LConvert", pkgConfig: "libv4lconvert",
                       providers: [.apt(["libv4l-dev"])]),

        // Swift modules.
        // The values both sides speak (formats, buffer metadata, controls): no dependencies at all,
        // so the store can use them and tools/fuzz can compile them with swiftc alone.
        .target(name: "V4L2Vocabulary"),
        .target(name: "V4L2", dependencies: ["CV4L2", "V4L2Vocabulary", .product(name: "SystemPackage", package: "swift-system")]),
        // No SystemPackage here: tools/fuzz compiles the store alone with swiftc (libFuzzer).
        .target(name: "CamrecStore", dependencies: ["V4L2Vocabulary", "CZstd", "CSQLite"]),
        .target(name: "CamrecEngine", dependencies: ["CamrecStore", "V4L2", "V4L2Vocabulary"]),
        .target(name: "CamrecInspect", dependencies: ["CamrecStore", "V4L2Vocabulary", "CZstd", "CV4LConvert", "CV4L2", "CPNG",
                                                      .product(name: "SystemPackage", package: "swift-system")]),
        .executableTarget(name: "camrec", dependencies: [
            "CamrecStore", "CamrecEngine", "CamrecInspect", "V4L2", "V4L2Vocabulary",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "SystemPackage", package: "swift-system"),
        ]),

        // Tests. LabTests need real V4L2 drivers and run inside the qemu lab (tools/v4l2-lab).
        .testTarget(name: "V4L2VocabularyTests", dependencies: ["V4L2Vocabulary"]),
        // Spawning programs from tests without Foundation's Process (see ChildProcess).
        .target(name: "CamrecTestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CamrecStoreTests", dependencies: ["CamrecTestSupport", "CamrecStore", "V4L2Vocabulary"]),
        .testTarget(name: "CamrecEngineTests", dependencies: ["CamrecTestSupport", "CamrecEngine", "CamrecStore", "V4L2Vocabulary"]),
        .testTarget(name: "CamrecInspectTests", dependencies: ["CamrecTestSupport", "CamrecInspect", "CamrecStore", "CamrecEngine", "V4L2Vocabulary"]),
        .testTarget(name: "CamrecCLITests", dependencies: ["CamrecTestSupport", "CamrecStore", "V4L2Vocabulary"]),
        .testTarget(name: "LabTests", dependencies: ["V4L2", "V4L2Vocabulary", "CamrecStore", "CamrecEngine"]),
    ],
    swiftLanguageModes: [.v6]
)
