/// Whether `work` grows linearly: the same work at a quarter of the size
/// and at full size, timed (the faster of two runs each). Linear work takes
/// about four times as long at full size; quadratic work sixteen times. Unit
/// tests run unoptimised, so absolute times say little here; the man page
/// and the hardening notes give the release build's.
func growsLinearly(_ work: (Int) throws -> Void, size: Int) throws -> Bool {
    let clock = ContinuousClock()
    func fastest(_ n: Int) throws -> Duration {
        var best = Duration.seconds(1_000_000)
        for _ in 0..<2 {
            let start = clock.now
            try work(n)
            best = min(best, clock.now - start)
        }
        return best
    }
    let small = try fastest(size / 4)
    let large = try fastest(size)
    return large < small * 10 + .milliseconds(20)
}
