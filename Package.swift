// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Haul",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Haul", targets: ["Haul"]),
        .library(name: "HaulCore", targets: ["HaulCore"]),
        .library(name: "HaulLP", targets: ["HaulLP"]),
        .executable(name: "haul", targets: ["haul"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // GLPK 5 from Debian's libglpk-dev; it ships no pkg-config file, so the module map links it.
        .systemLibrary(name: "CGLPK", path: "Sources/CGLPK", providers: [.apt(["libglpk-dev"])]),
        .target(name: "HaulLP", dependencies: ["CGLPK"]),
        .target(name: "HaulCore"),
        .target(name: "HaulRouting", dependencies: ["HaulCore"]),
        .target(name: "HaulAllocation", dependencies: ["HaulCore", "HaulLP"]),
        .target(name: "HaulLoading", dependencies: ["HaulCore", "HaulLP"]),
        .target(name: "Haul", dependencies: ["HaulCore", "HaulRouting", "HaulAllocation", "HaulLoading"]),
        .executableTarget(name: "haul", dependencies: [
            "Haul",
            "HaulRouting",
            "HaulAllocation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "HaulLPTests", dependencies: ["HaulLP"]),
        .testTarget(name: "HaulCoreTests", dependencies: ["HaulCore"]),
        .testTarget(name: "HaulRoutingTests", dependencies: ["HaulRouting", "HaulCore"]),
        .testTarget(name: "HaulAllocationTests", dependencies: ["HaulAllocation", "HaulCore"]),
        .testTarget(name: "HaulLoadingTests", dependencies: ["HaulLoading", "HaulCore"]),
        .testTarget(name: "HaulTests", dependencies: ["Haul"]),
        .testTarget(name: "HaulCLITests", dependencies: ["Haul", "haul"]),
    ]
)
