// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Criba",
    products: [
        // MARK: - Public API
        .library(name: "Criba", targets: ["Criba"]),
        .executable(name: "criba", targets: ["criba"]),
        .executable(name: "criba-autoresponder", targets: ["criba-autoresponder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - Implementation details
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "blas",
            providers: [.apt(["libblas-dev", "liblapack-dev"])]
        ),
        .systemLibrary(
            name: "CStemmer",
            providers: [.apt(["libstemmer-dev"])]
        ),
        .target(name: "CribaShims"),
        .target(
            name: "CSentencePiece",
            linkerSettings: [.linkedLibrary("sentencepiece"), .linkedLibrary("stdc++")]
        ),
        .target(name: "Criba", dependencies: ["CBLAS", "CStemmer", "CribaShims", "CSentencePiece"]),
        .executableTarget(
            name: "criba",
            dependencies: [
                "Criba",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // MARK: - Examples
        .executableTarget(
            name: "criba-autoresponder",
            dependencies: ["Criba"],
            path: "Examples/AutoResponder"
        ),
        // MARK: - Tests
        .testTarget(name: "CribaTests", dependencies: ["Criba"]),
        .testTarget(name: "CribaAPITests", dependencies: ["Criba"]),
        .testTarget(name: "cribaCLITests", dependencies: ["criba", "criba-autoresponder"]),
        .testTarget(
            name: "CribaBenchmarks",
            dependencies: ["Criba"],
            path: "Benchmarks/CribaBenchmarks"
        ),
    ]
)
