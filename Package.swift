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
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
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
        // Independent plan checkers: recompute feasibility and cost from the problem alone.
        .target(name: "HaulCheck", dependencies: ["HaulCore"]),
        // SVG pictures of plans (routes, allocations, loaded cargo spaces).
        .target(name: "HaulRender", dependencies: ["HaulCore"]),
        // SQLite 3 from Debian's libsqlite3-dev, for the embedded job store.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "HaulJobs", dependencies: [
            "Haul",
            "CSQLite",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .target(name: "HaulServer", dependencies: [
            "HaulJobs",
            "Haul",
            "HaulRender",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ], resources: [
            // The web page at / (index.html, app.js, style.css) and the examples it offers
            // (Web/examples links to Instances/examples), compiled into the binary.
            .embedInCode("Web"),
        ]),
        .executableTarget(name: "haul", dependencies: [
            "Haul",
            "HaulRouting",
            "HaulAllocation",
            "HaulLoading",
            "HaulCheck",
            "HaulRender",
            "HaulJobs",
            "HaulServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "HaulLPTests", dependencies: ["HaulLP"]),
        .testTarget(name: "HaulCoreTests", dependencies: ["HaulCore"]),
        .testTarget(name: "HaulRoutingTests", dependencies: ["HaulRouting", "HaulCore"]),
        .testTarget(name: "HaulAllocationTests", dependencies: ["HaulAllocation", "HaulCore"]),
        .testTarget(name: "HaulLoadingTests", dependencies: ["HaulLoading", "HaulCore", "HaulCheck"]),
        .testTarget(name: "HaulTests", dependencies: ["Haul"]),
        .testTarget(name: "HaulCheckTests", dependencies: ["HaulCheck", "Haul"]),
        .testTarget(name: "HaulJobsTests", dependencies: ["HaulJobs"]),
        .testTarget(name: "HaulServerTests", dependencies: [
            "HaulServer", "HaulJobs",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "HaulCLITests", dependencies: ["Haul", "haul"]),
        .testTarget(name: "HaulRenderTests", dependencies: ["HaulRender", "HaulCore", "Haul"]),
    ]
)
