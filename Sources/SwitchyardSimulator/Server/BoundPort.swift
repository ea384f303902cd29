import Synchronization

/// The port a server bound, for callers that wait for it before the server is up.
final class BoundPort: Sendable {
    private enum State {
        case waiting(next: Int, waiters: [Int: CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(any Error)
    }

    private let state = Mutex<State>(.waiting(next: 0, waiters: [:]))

    func resolve(_ result: Result<Int, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(_, let waiters) = state else { return [] }
            switch result {
            case .success(let port): state = .bound(port)
            case .failure(let error): state = .failed(error)
            }
            return Array(waiters.values)
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    /// Waits for the port; throws if the server failed to start or the caller is cancelled.
    func wait() async throws -> Int {
        let id = state.withLock { state -> Int in
            guard case .waiting(let next, let waiters) = state else { return 0 }
            state = .waiting(next: next + 1, waiters: waiters)
            return next + 1
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                let immediate = state.withLock { state -> Result<Int, any Error>? in
                    switch state {
                    case .bound(let port): return .success(port)
                    case .failed(let error): return .failure(error)
                    case .waiting(let next, var waiters):
                        if Task.isCancelled { return .failure(CancellationError()) }
                        waiters[id] = continuation
                        state = .waiting(next: next, waiters: waiters)
                        return nil
                    }
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Int, any Error>? in
                guard case .waiting(let next, var waiters) = state else { return nil }
                let removed = waiters.removeValue(forKey: id)
                state = .waiting(next: next, waiters: waiters)
                return removed
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

/// The server stopped before it bound its socket.
public struct SimulatorNotListeningError: Error, CustomStringConvertible {
    /// What happened.
    public var description: String
}
