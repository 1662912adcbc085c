import EQL
import EventModel
import Foundation

// EQL throughput: every Linux detection rule, compiled and indexed by event category and action, fed a stream of
// synthetic ECS-like events on one core. Usage: auspex-bench [EVENTS] [SHARED_DIR]

let arguments = CommandLine.arguments
let eventCount = arguments.count > 1 ? Int(arguments[1]) ?? 200_000 : 200_000

func sharedDirectory() -> URL? {
    if arguments.count > 2 { return URL(fileURLWithPath: arguments[2]) }
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" {
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            return url.deletingLastPathComponent().appendingPathComponent("shared")
        }
        url = url.deletingLastPathComponent()
    }
    return nil
}

guard let shared = sharedDirectory(),
      let corpus = try? CorpusRule.load(directory: shared.appendingPathComponent("detection-rules/linux-eql")),
      !corpus.isEmpty else {
    FileHandle.standardError.write(Data("auspex-bench: no rules under ../shared/detection-rules/linux-eql\n".utf8))
    exit(1)
}

var table = FieldTable()
var generator = SyntheticEvents(table: &table)

// Compile every rule; state is bounded by the rule's lookback and a per-rule key cap.
var matchers: [QueryMatcher] = []
var failures: [String] = []
let compileStart = ContinuousClock.now
for rule in corpus {
    do {
        let query = try EQLCompiler(schema: table).compile(rule.query)
        matchers.append(QueryMatcher(query: query, limits: MatcherLimits(window: rule.lookback, capacity: 10_000)))
    } catch {
        failures.append("\(rule.file): \(error)")
    }
}
let compileTime = ContinuousClock.now - compileStart

let categorySlot = table.slot(for: "event.category")!
// The daemon's index: by category, then by `event.action` (one action slot here, the events' own).
let indexRules = matchers.map { RuleIndex.Rule(query: $0.query) }
let index = RuleIndex(rules: indexRules)
/// Rules filed under no category (an `any where` stage): every event goes to them.
let anyCategoryRules = indexRules.filter { $0.categories == nil }.count

let events = (0..<eventCount).map { _ in generator.event() }

/// CPU time of this thread: the machine is shared, so wall time overstates the cost.
func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// One pass over the stream with fresh matchers: CPU seconds, wall seconds, offers (after the category and action
/// index; with the category index alone), matches.
@MainActor func runPass(_ matchers: inout [QueryMatcher])
    -> (cpu: Double, wall: Double, offered: Int, categoryOffered: Int, matches: Int)
{
    var offered = 0, categoryOffered = 0
    var matches = 0
    let cpuStart = threadCPUSeconds()
    let start = ContinuousClock.now
    for event in events {
        categoryOffered += index.visit(
            category: event[categorySlot], event: event,
            evaluate: { rule in
                offered += 1
                matches += matchers[rule].process(event).count
            },
            tick: { rule in matches += matchers[rule].advance(to: event.timestamp).count })
    }
    let elapsed = ContinuousClock.now - start
    let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (threadCPUSeconds() - cpuStart, wall, offered, categoryOffered, matches)
}

// Best of three passes: the machine is shared, so the fastest pass is the least disturbed.
let fresh = matchers
var passes: [(cpu: Double, wall: Double, offered: Int, categoryOffered: Int, matches: Int)] = []
for _ in 0..<3 {
    matchers = fresh
    passes.append(runPass(&matchers))
}
let best = passes.min { $0.cpu < $1.cpu }!
let (seconds, wallSeconds, offered, matches) = (best.cpu, best.wall, best.offered, best.matches)
let categoryOffered = best.categoryOffered

var pending = 0, evicted = 0, expired = 0
for matcher in matchers {
    pending += matcher.pendingKeys
    evicted += matcher.counters.evicted
    expired += matcher.counters.expired
}
let kinds = matchers.reduce(into: [0, 0, 0]) { counts, matcher in
    switch matcher.query.kind {
    case .event: counts[0] += 1
    case .sequence: counts[1] += 1
    case .sample: counts[2] += 1
    }
}
print("rules: \(matchers.count) compiled of \(corpus.count) (event \(kinds[0]), sequence \(kinds[1]), sample \(kinds[2])) in \(compileTime)")
for failure in failures { print("  not compiled: \(failure)") }
print("events: \(eventCount) synthetic ECS events, one core")
print(String(format: "throughput: %.0f events/s per core (best of 3: %.3f s CPU, %.3f s wall; passes %@ s CPU)",
             Double(eventCount) / seconds, seconds, wallSeconds,
             passes.map { String(format: "%.2f", $0.cpu) }.joined(separator: "/")))
print(String(format: "rules offered per event: %.1f of %d (category and action index; %.1f by category alone; "
             + "%d rules match any category)", Double(offered) / Double(eventCount), matchers.count,
             Double(categoryOffered) / Double(eventCount), anyCategoryRules))
print(String(format: "rule evaluations: %.0f /s", Double(offered) / seconds))
print("matches: \(matches); state: \(pending) keys pending, \(expired) expired, \(evicted) evicted")
