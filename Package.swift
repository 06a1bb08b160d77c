// swift-tools-version:6.1
// camrec: a record-and-replay frame recorder for Linux V4L2 cameras.
// Dependencies point one way: camrec -> CamrecEngine/CamrecInspect -> CamrecStore and V4L2 -> C targets.
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
        .library(name: "CamrecView", targets: ["CamrecView"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
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
        .target(name: "V4L2", dependencies: ["CV4L2", .product(name: "SystemPackage", package: "swift-system")]),
        // No SystemPackage here: tools/fuzz compiles the store alone with swiftc (libFuzzer).
        .target(name: "CamrecStore", dependencies: ["CZstd", "CSQLite"]),
        .target(name: "CamrecEngine", dependencies: ["CamrecStore", "V4L2"]),
        .target(name: "CamrecInspect", dependencies: ["CamrecStore", "CV4LConvert", "CV4L2", "CPNG",
                                                      .product(name: "SystemPackage", package: "swift-system")]),
        // The local web viewer (camrec view): JSON API and pages served from the binary.
        .target(name: "CamrecView", dependencies: ["CamrecStore", "CamrecInspect",
                                                   .product(name: "Hummingbird", package: "hummingbird"),
                                                   .product(name: "NIOCore", package: "swift-nio")],
                // Optimised in debug builds too: the timeline summarises up to a million buffers per
                // zoom step, about ten times slower unoptimised (first paint of 1M buffers over a second).
                swiftSettings: [.unsafeFlags(["-O"])]),
        .executableTarget(name: "camrec", dependencies: [
            "CamrecStore", "CamrecEngine", "CamrecInspect", "CamrecView", "V4L2",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "SystemPackage", package: "swift-system"),
        ]),

        // Tests. LabTests need real V4L2 drivers and run inside the qemu lab (tools/v4l2-lab).
        .testTarget(name: "CamrecStoreTests", dependencies: ["CamrecStore"]),
        .testTarget(name: "CamrecEngineTests", dependencies: ["CamrecEngine", "CamrecStore"]),
        .testTarget(name: "CamrecInspectTests", dependencies: ["CamrecInspect", "CamrecStore", "CamrecEngine"]),
        .testTarget(name: "CamrecCLITests", dependencies: ["CamrecStore"]),
        .testTarget(name: "CamrecViewTests", dependencies: ["CamrecView", "CamrecStore", "CamrecInspect", "CamrecEngine"]),
        .testTarget(name: "LabTests", dependencies: ["V4L2", "CamrecStore", "CamrecEngine"]),
    ],
    swiftLanguageModes: [.v6]
)
