import EventModel

/// The `![…]` missing-event check of a sequence (spec §5.4), done online.
///
/// Elasticsearch checks each completed candidate with per-stage look-ups by join key: a hit between two
/// positive events discards it; otherwise leading/trailing hits must lie at least `maxspan` away from the
/// positive events. Online that needs, per key and missing stage, the timestamps of recent matches
/// (within maxspan), and for a trailing `![…]` stage a wait until the window has passed.
struct MissingEventTracker<Element> {
    private struct Gap { var slot: Int; var before: Int; var after: Int }
    private struct Deferred {
        var key: JoinKey
        var events: [Element?]
        var release: Int64
    }

    /// Slot (index into `stages`) of each missing stage.
    private let stages: [Int]
    private let slotOfStage: [Int?]
    private let leading: [Int], trailing: [Int]
    private let gaps: [Gap]
    private let stageCount: Int
    private let maxspan: Int64
    private let perKeyLimit = 64
    private var seen: [JoinKey: [[Int64]]] = [:]
    private var deferred: [Deferred] = []
    private let capacity: Int

    var hasMissingStages: Bool { !stages.isEmpty }
    var hasDeferred: Bool { !deferred.isEmpty }

    init(shape: SequenceShape) {
        let missing = shape.missing
        stageCount = missing.count
        stages = missing.indices.filter { missing[$0] }
        var slotOfStage = [Int?](repeating: nil, count: missing.count)
        for (slot, stage) in stages.enumerated() { slotOfStage[stage] = slot }
        self.slotOfStage = slotOfStage
        let positives = shape.positives
        var leading: [Int] = [], trailing: [Int] = [], gaps: [Gap] = []
        for (slot, stage) in stages.enumerated() {
            let before = positives.lastIndex(where: { $0 < stage })
            let after = positives.firstIndex(where: { $0 > stage })
            switch (before, after) {
            case (nil, _): leading.append(slot)
            case (_, nil): trailing.append(slot)
            case let (b?, a?): gaps.append(Gap(slot: slot, before: b, after: a))
            }
        }
        self.leading = leading
        self.trailing = trailing
        self.gaps = gaps
        maxspan = shape.maxspan ?? .max
        capacity = shape.capacity
    }

    /// Notes that an event with `key` matched missing stage `stage`; it also settles waiting candidates.
    mutating func record(stage: Int, key: JoinKey, timestamp: Int64, counters: inout MatchCounters) {
        guard let slot = slotOfStage[stage] else { return }
        if seen[key] == nil {
            if seen.count >= capacity {  // rare: every key saw a missing-stage event within maxspan
                counters.evicted += seen.count
                seen.removeAll(keepingCapacity: true)
            }
            seen[key] = Array(repeating: [], count: stages.count)
        }
        seen[key]![slot].append(timestamp)
        if seen[key]![slot].count > perKeyLimit { seen[key]![slot].removeFirst(); counters.evicted += 1 }
        // A trailing hit before the release time rejects a waiting candidate (later ones were released).
        if trailing.contains(slot), !deferred.isEmpty {
            let before = deferred.count
            deferred.removeAll { $0.key == key && timestamp < $0.release }
            counters.rejectedMissing += before - deferred.count
        }
    }

    /// Checks a completed candidate; appends it when accepted, keeps it when it must wait.
    mutating func check(events: [Element], timestamps: [Int64], key: JoinKey,
                        counters: inout MatchCounters, into results: inout [SequenceResult<Element>]) {
        let start = timestamps[0], last = timestamps[timestamps.count - 1]
        let buffers = seen[key]
        if let buffers {
            for gap in gaps where buffers[gap.slot].contains(where: { $0 >= timestamps[gap.before] && $0 < timestamps[gap.after] }) {
                counters.rejectedMissing += 1
                return
            }
        }
        var lastLeading: Int64?
        var firstTrailing: Int64?
        if let buffers {
            for slot in leading {
                if let ts = buffers[slot].last(where: { $0 < start }) { lastLeading = max(lastLeading ?? ts, ts) }
            }
            for slot in trailing {
                if let ts = buffers[slot].first(where: { $0 >= last }) { firstTrailing = min(firstTrailing ?? ts, ts) }
            }
        }
        let hasLeading = !leading.isEmpty, hasTrailing = !trailing.isEmpty
        let result = SequenceResult(key: key, events: interleave(events))
        if hasTrailing, firstTrailing == nil, !(hasLeading && lastLeading == nil) {
            // Acceptance depends on the first trailing hit still to come: it must be maxspan after the anchor.
            let anchor = hasLeading ? lastLeading! : start
            let release = anchor.addingReportingOverflow(maxspan)
            let releaseTime = release.overflow ? Int64.max : release.partialValue
            if releaseTime > last {
                if deferred.count >= capacity {  // bounded like every other table: drop the oldest, counted
                    deferred.removeFirst()
                    counters.evicted += 1
                }
                deferred.append(Deferred(key: key, events: result.events, release: releaseTime))
                return
            }
        } else if !accepts(lastLeading: lastLeading, firstTrailing: firstTrailing, start: start, last: last) {
            counters.rejectedMissing += 1
            return
        }
        counters.matches += 1
        results.append(result)
    }

    /// Elasticsearch's acceptance rules once the look-ups are known (`TumblingWindow.doCheckMissingEvents`).
    private func accepts(lastLeading: Int64?, firstTrailing: Int64?, start: Int64, last: Int64) -> Bool {
        let hasLeading = !leading.isEmpty, hasTrailing = !trailing.isEmpty
        if lastLeading == nil && firstTrailing == nil { return true }
        if hasLeading && lastLeading == nil { return true }
        if hasTrailing && firstTrailing == nil { return true }
        if hasLeading && hasTrailing { return far(lastLeading, firstTrailing) }
        if hasLeading { return far(lastLeading, last) }
        if hasTrailing { return far(start, firstTrailing) }
        return false
    }

    private func far(_ a: Int64?, _ b: Int64?) -> Bool {
        guard let a, let b else { return true }
        return b.saturatingSubtract(a) >= maxspan
    }

    private func interleave(_ events: [Element]) -> [Element?] {
        var output: [Element?] = []
        output.reserveCapacity(stageCount)
        var next = 0
        for stage in 0..<stageCount {
            if slotOfStage[stage] != nil { output.append(nil) } else { output.append(events[next]); next += 1 }
        }
        return output
    }

    /// Accepts waiting candidates whose window has passed by `time` (no early trailing hit came).
    mutating func release(upTo time: Int64, counters: inout MatchCounters, into results: inout [SequenceResult<Element>]) {
        guard !deferred.isEmpty else { return }
        var kept: [Deferred] = []
        for candidate in deferred {
            if candidate.release <= time {
                counters.matches += 1
                results.append(SequenceResult(key: candidate.key, events: candidate.events))
            } else {
                kept.append(candidate)
            }
        }
        deferred = kept
    }

    /// Forgets missing-stage matches older than `cutoff` (they can no longer reject anything).
    mutating func expire(before cutoff: Int64) {
        for (key, var buffers) in seen {
            var empty = true
            for slot in buffers.indices {
                buffers[slot].removeAll { $0 < cutoff }
                if !buffers[slot].isEmpty { empty = false }
            }
            seen[key] = empty ? nil : buffers
        }
    }
}
