// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "MediaBatch",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "mediabatch", targets: ["mediabatch"]),
    .library(name: "MediaBatchCore", targets: ["MediaBatchCore"]),
    .library(name: "MediaBatchDemo", targets: ["MediaBatchDemo"]),
    .library(name: "MediaBatchEngine", targets: ["MediaBatchEngine"]),
    .library(name: "MediaBatchServer", targets: ["MediaBatchServer"]),
    .library(name: "GoogleCloud", targets: ["GoogleCloud"]),
    .library(name: "MediaBatchFirebase", targets: ["MediaBatchFirebase"]),
    .library(name: "MediaBatchJobStore", targets: ["MediaBatchJobStore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.4.0"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.0.0"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
  ],
  targets: [
    // The system's zlib, for gzip-encoded objects (its streaming inflate tells the end of a gzip member, which the
    // package wrappers of it do not expose).
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // statfs(2), to tell a local file system from a network or FUSE one.
    .systemLibrary(name: "CFileSystem"),
    .target(
      name: "Toolbox",
      swiftSettings: swiftSettings
    ),
    .target(
      name: "MediaBatchCore",
      dependencies: [
        "Toolbox",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "MediaBatchDemo",
      dependencies: [
        "MediaBatchCore",
        "Toolbox",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "GoogleCloud",
      dependencies: [
        "Toolbox",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "CoreMetrics", package: "swift-metrics"),
      ],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "MediaBatchFirebase",
      dependencies: [
        "GoogleCloud",
        "MediaBatchCore",
        "Toolbox",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "MediaBatchEngine",
      dependencies: [
        "MediaBatchCore",
        "Toolbox",
        "CZlib",
        "CFileSystem",
        .product(name: "DequeModule", package: "swift-collections"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "CoreMetrics", package: "swift-metrics"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "MediaBatchJobStore",
      dependencies: [
        "MediaBatchCore",
        "Toolbox",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "MediaBatchServer",
      dependencies: [
        "MediaBatchCore",
        "Toolbox",
        "MediaBatchEngine",
        .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      resources: [.copy("Public"), .copy("OpenAPI")],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "mediabatch",
      dependencies: [
        "MediaBatchCore",
        "Toolbox",
        "MediaBatchDemo",
        "MediaBatchEngine",
        "MediaBatchJobStore",
        "MediaBatchServer",
        "GoogleCloud",
        "MediaBatchFirebase",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Yams", package: "Yams"),
        .product(name: "CoreMetrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "UnixSignals", package: "swift-service-lifecycle"),
      ],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "MediaBatchTesting",
      dependencies: [
        "MediaBatchCore",
        "Toolbox",
        "MediaBatchEngine",
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ToolboxTests",
      dependencies: ["Toolbox"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "MediaBatchCoreTests",
      dependencies: [
        "Toolbox",
        "MediaBatchDemo",
        "MediaBatchCore",
        "MediaBatchTesting",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "MediaBatchDemoTests",
      dependencies: ["MediaBatchDemo", "MediaBatchCore", "MediaBatchTesting", "Toolbox"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "GoogleCloudTests",
      dependencies: [
        "GoogleCloud",
        "MediaBatchCore",
        "MediaBatchFirebase",
        "Toolbox",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "MediaBatchFirebaseTests",
      dependencies: [
        "MediaBatchFirebase",
        "Toolbox",
        "GoogleCloud",
        "MediaBatchCore",
        "MediaBatchEngine",
        "MediaBatchJobStore",
        "MediaBatchTesting",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "MediaBatchEngineTests",
      dependencies: ["Toolbox", "MediaBatchCore", "MediaBatchDemo", "MediaBatchEngine", "MediaBatchJobStore", "MediaBatchTesting"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "MediaBatchServerTests",
      dependencies: [
        "Toolbox",
        "MediaBatchDemo",
        "MediaBatchServer",
        "MediaBatchEngine",
        "MediaBatchCore",
        "MediaBatchJobStore",
        "MediaBatchTesting",
        "GoogleCloud",
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "mediabatchTests",
      dependencies: [
        "Toolbox",
        "GoogleCloud",
        "MediaBatchFirebase",
        "MediaBatchDemo",
        "MediaBatchCore",
        "MediaBatchJobStore",
        "MediaBatchTesting",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "GRDB", package: "GRDB.swift"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "MediaBatchJobStoreTests",
      dependencies: [
        "Toolbox",
        "MediaBatchCore",
        "MediaBatchJobStore",
        "MediaBatchTesting",
        .product(name: "GRDB", package: "GRDB.swift"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "MediaBatchTestingTests",
      dependencies: ["MediaBatchTesting", "MediaBatchCore", "Toolbox"],
      swiftSettings: swiftSettings
    ),
  ]
)
