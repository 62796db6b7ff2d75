// swift-tools-version: 6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "capstan",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "capstan", targets: ["capstan"]),
        .library(name: "Kube", targets: ["Kube"]),
        .library(name: "EmbeddedCluster", targets: ["EmbeddedCluster"]),
        .library(name: "Git", targets: ["Git"]),
        .library(name: "Sync", targets: ["Sync"]),
        .library(name: "Operator", targets: ["Operator"]),
        .library(name: "Rollouts", targets: ["Rollouts"]),
        .library(name: "Expr", targets: ["Expr"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "ImageUpdater", targets: ["ImageUpdater"]),
        .library(name: "Registry", targets: ["Registry"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.10.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        // Already in the graph through Hummingbird; named for the HTTP parts the embedded server's handlers see.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.20.0"),
        // Already in the graph through swift-certificates; named for HMACs (webhook signatures, hashed known hosts).
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
    ],
    targets: [
        .target(
            name: "Kube",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "EmbeddedCluster",
            dependencies: [
                "Kube",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.embedInCode("Resources/builtin-schemas.json")],
            swiftSettings: upcoming
        ),
        .systemLibrary(name: "CLibGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .target(
            name: "Git",
            dependencies: [
                "CLibGit2", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "Sync",
            dependencies: ["Kube", "Git", .product(name: "Logging", package: "swift-log")],
            swiftSettings: upcoming
        ),
        .target(name: "Expr", swiftSettings: upcoming),
        .target(
            name: "ImageUpdater",
            dependencies: [
                "Registry", "Kube", "Git", "Sync", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: upcoming),
        .target(
            name: "Registry",
            dependencies: [
                "Kube",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "Analysis",
            dependencies: [
                "Kube", "Expr",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "Rollouts", dependencies: ["Kube", "Analysis", .product(name: "Logging", package: "swift-log")],
            swiftSettings: upcoming),
        .target(
            name: "Operator",
            dependencies: [
                "Kube", "Sync", "ImageUpdater", "Registry",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "capstan",
            dependencies: [
                "Kube",
                "Rollouts",
                "Analysis",
                "EmbeddedCluster",
                "Git",
                "Sync",
                "Operator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "capstan-fuzz",
            dependencies: ["Kube", "EmbeddedCluster"],
            swiftSettings: upcoming
        ),
        .target(
            name: "KubeTestSupport",
            dependencies: [
                "Kube", "EmbeddedCluster", "Registry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/KubeTestSupport",
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "KubeTests",
            dependencies: [
                "Kube", "EmbeddedCluster", "KubeTestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "RolloutsTests",
            dependencies: [
                "Rollouts", "Analysis", "Kube", "EmbeddedCluster", "KubeTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming),
        .testTarget(name: "ExprTests", dependencies: ["Expr"], swiftSettings: upcoming),
        .testTarget(
            name: "ImageUpdaterTests",
            dependencies: [
                "ImageUpdater", "Registry", "KubeTestSupport", "Sync", "Git", "Operator", "Kube", "Rollouts",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming),
        .testTarget(
            name: "RegistryTests",
            dependencies: [
                "Registry", "KubeTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: upcoming),
        .testTarget(
            name: "AnalysisTests",
            dependencies: [
                "Analysis", "Expr", "Kube", "EmbeddedCluster", "KubeTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming),
        .testTarget(name: "GitTests", dependencies: ["Git", "KubeTestSupport"], swiftSettings: upcoming),
        .testTarget(
            name: "SyncTests",
            dependencies: [
                "Kube", "Git", "Sync", "Operator", "EmbeddedCluster", "KubeTestSupport", "Rollouts",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ConformanceTests",
            dependencies: [
                "Kube", "EmbeddedCluster", "KubeTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "EmbeddedClusterTests",
            dependencies: [
                "Kube", "EmbeddedCluster", "KubeTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
    ]
)
