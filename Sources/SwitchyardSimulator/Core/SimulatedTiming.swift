/// The delays of one simulated answer, drawn once per request from the behaviour.
struct SimulatedTiming: Sendable {
    /// Delay before the response head and first event (or before an injected error).
    var firstToken: Duration
    /// Gap between paced stream chunks.
    var interval: Duration

    init(options: SimulatorOptions) {
        var firstMs = Double(max(0, options.ttftMs ?? options.latencyMs))
        if options.jitterMs > 0 {
            firstMs += Double.random(in: 0...Double(options.jitterMs))
        }
        self.firstToken = .microseconds(Int64(firstMs * 1000))
        if let fixed = options.chunkIntervalMs {
            self.interval = .milliseconds(max(0, fixed))
        } else if options.tokensPerSecond > 0 {
            self.interval = .microseconds(Int64(1_000_000 / options.tokensPerSecond))
        } else {
            self.interval = .zero
        }
    }

    /// Delay of a non-streaming answer: when the equivalent stream would have ended.
    func wholeAnswer(chunks: Int) -> Duration {
        firstToken + interval * max(0, chunks - 1)
    }
}
