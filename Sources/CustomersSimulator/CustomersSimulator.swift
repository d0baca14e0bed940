import Hummingbird
import Logging
import NIOCore

/// The bundled Customers API simulator: a contract-exact `GET /v1/customers` over seeded,
/// realistic and hostile data, with injectable faults and live mutations, plus `/__admin`
/// routes that expose the truth behind it.
///
/// A library, not only an executable, so tests start it in-process on a free port:
/// ```swift
/// let simulator = try await CustomersSimulator.start(SimulatorOptions(customers: 500))
/// defer { Task { await simulator.stop() } }
/// // GET \(simulator.baseURL)/v1/customers with "Authorization: Bearer test-token"
/// ```
public enum CustomersSimulator {
    /// Generates the data, binds the port and starts serving; returns once the port is bound.
    public static func start(_ options: SimulatorOptions) async throws -> RunningSimulator {
        guard options.problems.isEmpty else { throw InvalidSimulatorOptions(problems: options.problems) }
        let simulation = await Simulation.make(options: options)

        let router = Router(context: SimulatorRequestContext.self)
        let customers = CustomersEndpoint(simulation: simulation)
        router.get("/v1/customers") { request, context in
            try await customers.respond(to: request, context: context)
        }
        AdminEndpoints(simulation: simulation).register(on: router)

        var logger = Logger(label: "customers-sim")
        logger.logLevel = .warning
        let bound = BindSignal()
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port)),
            onServerRunning: { channel in
                bound.resolve(.success(channel))
            },
            logger: logger
        )
        let server = Task {
            do {
                try await app.run()
                bound.resolve(.failure(ServerStoppedBeforeBinding()))
            } catch {
                bound.resolve(.failure(error))
            }
        }
        let listener: any Channel
        do {
            listener = try await bound.wait()
        } catch {
            server.cancel()
            throw error
        }
        let mutations = options.mutateRPS > 0 ? Task { await MutationLoop.run(simulation, perSecond: options.mutateRPS) } : nil
        return RunningSimulator(listener: listener, server: server, mutations: mutations)
    }
}

/// A simulator serving in this process; stop it when done.
public final class RunningSimulator: Sendable {
    /// The bound TCP port (the chosen one when the options asked for port 0).
    public let port: Int
    private let listener: any Channel
    private let server: Task<Void, Never>
    private let mutations: Task<Void, Never>?

    init(listener: any Channel, server: Task<Void, Never>, mutations: Task<Void, Never>?) {
        self.port = listener.localAddress?.port ?? 0
        self.listener = listener
        self.server = server
        self.mutations = mutations
    }

    /// Where to send requests, e.g. `http://127.0.0.1:8080`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops mutating and serving, and waits until the port is released.
    ///
    /// The listening socket is closed first, so the server's accept loop ends normally; the
    /// cancellation that follows then only has open connections left to close.
    public func stop() async {
        mutations?.cancel()
        try? await listener.close()
        server.cancel()
        await mutations?.value
        await server.value
    }
}

/// ``SimulatorOptions`` that cannot describe a server; each problem says what to change.
public struct InvalidSimulatorOptions: Error, CustomStringConvertible {
    public let problems: [String]

    public var description: String { problems.joined(separator: "; ") }
}

/// The server task ended without error before its socket was bound (not expected to happen).
struct ServerStoppedBeforeBinding: Error {}
