import Analysis
import Expr
import Foundation
import Kube
import Testing

/// Outcome, metric phase, run phase and scheduling, as Argo Rollouts computes them: table-driven.
@Suite struct AnalysisEngineTests {
    static func metric(_ fields: JSON) -> Metric {
        var json: JSON = ["name": "m", "provider": ["prometheus": ["query": "q"]]]
        for (key, value) in fields.objectValue ?? [:] { json[key] = value }
        return Metric(json)
    }

    struct Judgement: Sendable, CustomTestStringConvertible {
        let success: String?
        let failure: String?
        let result: ExprValue
        let phase: AnalysisPhase
        var testDescription: String { "success \(success ?? "-") failure \(failure ?? "-") on \(result)" }
    }

    static let judgements: [Judgement] = [
        Judgement(success: nil, failure: nil, result: .float(0.1), phase: .successful),
        Judgement(success: "result[0] >= 0.95", failure: nil, result: .array([.float(0.97)]), phase: .successful),
        Judgement(success: "result[0] >= 0.95", failure: nil, result: .array([.float(0.9)]), phase: .failed),
        Judgement(success: nil, failure: "result >= 10", result: .int(3), phase: .successful),
        Judgement(success: nil, failure: "result >= 10", result: .int(12), phase: .failed),
        Judgement(success: "result >= 0.90", failure: "result < 0.50", result: .float(0.7), phase: .inconclusive),
        Judgement(success: "result >= 0.90", failure: "result < 0.50", result: .float(0.4), phase: .failed),
        Judgement(success: "result >= 0.90", failure: "result < 0.50", result: .float(0.95), phase: .successful),
        // NaN, as Argo's documentation lays out: successful, inconclusive and failed.
        Judgement(success: "isNaN(result) || result >= 0.95", failure: nil, result: .float(.nan), phase: .successful),
        Judgement(success: "result >= 0.95", failure: "result < 0.95", result: .float(.nan), phase: .inconclusive),
        Judgement(success: "result >= 0.95", failure: nil, result: .float(.nan), phase: .failed),
        Judgement(success: "result >= 0.95", failure: nil, result: .float(.infinity), phase: .successful),
        Judgement(success: nil, failure: "isInf(result)", result: .float(.infinity), phase: .failed),
        // Empty vectors and nil.
        Judgement(
            success: "len(result) == 0 || result[0] >= 0.95", failure: nil, result: .array([]), phase: .successful),
        Judgement(success: "default(result, 0) < 0.05", failure: nil, result: .null, phase: .successful),
        Judgement(success: "isNil(result)", failure: nil, result: .null, phase: .successful),
        // Web results, typed as in the JSON answer.
        Judgement(success: "result == 'true'", failure: nil, result: .string("true"), phase: .successful),
        Judgement(success: "asFloat(result) >= 0.90", failure: nil, result: .string("0.95"), phase: .successful),
        Judgement(success: "asInt(result) >= 90", failure: nil, result: .float(95.5), phase: .successful),
        Judgement(
            success: "result.ok && result.successPercent >= 0.90", failure: nil,
            result: .map(["ok": .bool(true), "successPercent": .float(0.95)]), phase: .successful),
        // Errors: out of range, not a bool.
        Judgement(success: "result[0] >= 0.95", failure: nil, result: .array([]), phase: .error),
        Judgement(success: "result", failure: nil, result: .float(1), phase: .error),
        Judgement(success: "asInt(result) > 1", failure: nil, result: .string("abc"), phase: .error),
    ]

    @Test(arguments: judgements) func judgesAMeasurement(_ row: Judgement) throws {
        var fields: JSON = [:]
        if let success = row.success { fields["successCondition"] = .string(success) }
        if let failure = row.failure { fields["failureCondition"] = .string(failure) }
        let conditions = try MetricConditions(Self.metric(fields))
        #expect(conditions.judge(row.result).phase == row.phase)
    }

    @Test func aConditionThatDoesNotParseIsASpecErrorWithTheColumn() {
        #expect {
            _ = try MetricConditions(Self.metric(["successCondition": "result[0] >= "]))
        } throws: { error in
            "\(error)".contains("successCondition") && "\(error)".contains("column 14")
        }
    }

    static func result(_ phases: [AnalysisPhase], phase: AnalysisPhase = .running) -> MetricResult {
        var result = MetricResult(name: "m", phase: phase)
        for p in phases {
            let measurement = Measurement(phase: p, startedAt: Date(), finishedAt: Date())
            result.record(measurement)
            result.measurements.append(measurement)
        }
        return result
    }

    @Test func metricPhasesFollowLimitsAndCount() {
        let once = Self.metric([:])
        #expect(MetricAssessment.phase(once, Self.result([]), terminating: false) == .pending)
        #expect(MetricAssessment.phase(once, Self.result([]), terminating: true) == .successful)
        #expect(MetricAssessment.phase(once, Self.result([.successful]), terminating: false) == .successful)
        #expect(MetricAssessment.phase(once, Self.result([.failed]), terminating: false) == .failed)
        #expect(MetricAssessment.phase(once, Self.result([.inconclusive]), terminating: false) == .inconclusive)
        let tolerant = Self.metric(["interval": "1s", "count": 5, "failureLimit": 2])
        #expect(MetricAssessment.phase(tolerant, Self.result([.failed, .failed]), terminating: false) == .running)
        #expect(
            MetricAssessment.phase(tolerant, Self.result([.failed, .failed, .failed]), terminating: false) == .failed)
        #expect(
            MetricAssessment.phase(
                tolerant, Self.result([.failed, .successful, .failed, .successful, .successful]),
                terminating: false) == .successful)
        let unlimited = Self.metric(["interval": "1s", "failureLimit": -1])
        #expect(
            MetricAssessment.phase(unlimited, Self.result([.failed, .failed, .failed]), terminating: false) == .running)
        #expect(MetricAssessment.phase(unlimited, Self.result([.failed]), terminating: true) == .successful)
        // Errors: four in a row are tolerated by default, the fifth is an Error; a success resets the run.
        #expect(
            MetricAssessment.phase(once, Self.result(Array(repeating: .error, count: 4)), terminating: false)
                == .running)
        #expect(
            MetricAssessment.phase(once, Self.result(Array(repeating: .error, count: 5)), terminating: false) == .error)
        let reset = Self.result([.error, .error, .error, .error, .successful])
        #expect(reset.consecutiveError == 0 && reset.count == 1 && reset.error == 4)
        let strict = Self.metric(["consecutiveErrorLimit": 0])
        #expect(MetricAssessment.phase(strict, Self.result([.error]), terminating: false) == .error)
    }

    @Test func theRunIsTheWorstOfItsMetricsExceptDryRuns() {
        let a = Metric(["name": "a", "provider": ["web": [:]]])
        let b = Metric(["name": "b", "provider": ["web": [:]]])
        var ra = Self.result([.successful])
        ra.name = "a"
        var rb = Self.result([.failed])
        rb.name = "b"
        let failed = RunAssessment.assess(metrics: [a, b], results: [ra, rb], dryRun: [], terminate: false)
        #expect(failed.phase == .failed)
        #expect(failed.message == "Metric \"b\" assessed Failed due to failed (1) > failureLimit (0)")
        #expect(failed.runSummary == .init(count: 2, successful: 1, failed: 1, inconclusive: 0, error: 0))
        rb.dryRun = true
        let dry = RunAssessment.assess(metrics: [a, b], results: [ra, rb], dryRun: ["b"], terminate: false)
        #expect(dry.phase == .successful && dry.dryRunSummary.failed == 1 && dry.runSummary.count == 1)
        // A metric not yet measured keeps the run Running; terminating ends it Successful.
        let waiting = RunAssessment.assess(metrics: [a, b], results: [ra], dryRun: [], terminate: false)
        #expect(waiting.phase == .running)
        let terminated = RunAssessment.assess(metrics: [a, b], results: [], dryRun: [], terminate: true)
        #expect(terminated.phase == .successful && terminated.message == "Run Terminated")
    }

    @Test func measurementsAreScheduledFromWhatTheStatusRecords() {
        let start = Date(timeIntervalSince1970: 1_000)
        let metric = Self.metric(["interval": "30s", "count": 3, "initialDelay": "10s"])
        #expect(
            MeasurementSchedule.tasks(
                metrics: [metric], results: [], startedAt: start, terminating: false,
                now: start.addingTimeInterval(5)
            ).isEmpty)
        #expect(
            MeasurementSchedule.nextReconcile(metrics: [metric], results: [], startedAt: start, now: start)
                == start.addingTimeInterval(10))
        #expect(
            MeasurementSchedule.tasks(
                metrics: [metric], results: [], startedAt: start, terminating: false,
                now: start.addingTimeInterval(10)
            ).count == 1)
        var result = MetricResult(name: "m")
        let finished = start.addingTimeInterval(11)
        let measurement = Measurement(phase: .successful, startedAt: finished, finishedAt: finished)
        result.record(measurement)
        result.measurements = [measurement]
        #expect(
            MeasurementSchedule.tasks(
                metrics: [metric], results: [result], startedAt: start, terminating: false,
                now: finished.addingTimeInterval(29)
            ).isEmpty)
        #expect(
            MeasurementSchedule.nextReconcile(metrics: [metric], results: [result], startedAt: start, now: finished)
                == finished.addingTimeInterval(30))
        #expect(
            MeasurementSchedule.tasks(
                metrics: [metric], results: [result], startedAt: start, terminating: true,
                now: finished.addingTimeInterval(60)
            ).isEmpty)
        // After an error the retry comes 10 s later, whatever the interval.
        var errored = MetricResult(name: "m")
        let error = Measurement(phase: .error, startedAt: finished, finishedAt: finished)
        errored.record(error)
        errored.measurements = [error]
        #expect(
            MeasurementSchedule.nextReconcile(metrics: [metric], results: [errored], startedAt: start, now: finished)
                == finished.addingTimeInterval(10))
        // Count reached: nothing more.
        result.count = 3
        #expect(
            MeasurementSchedule.nextReconcile(metrics: [metric], results: [result], startedAt: start, now: finished)
                == nil)
    }

    @Test func argumentsAreSubstitutedAndRequired() throws {
        let spec = AnalysisRunSpec([
            "args": [["name": "service-name", "value": "web"], ["name": "missing"]],
            "metrics": [
                ["name": "rate", "provider": ["prometheus": ["query": "up{service=\"{{ args.service-name }}\"}"]]]
            ],
        ])
        let metrics = try spec.resolvedMetrics()
        #expect(metrics[0].provider["prometheus"]?["query"] == "up{service=\"web\"}")
        let needsMissing = AnalysisRunSpec([
            "args": [["name": "missing"]], "metrics": [["name": "m", "interval": "{{args.missing}}"]],
        ])
        #expect(throws: AnalysisSpecError("failed to resolve {{args.missing}}")) {
            _ = try needsMissing.resolvedMetrics()
        }
        let dry = AnalysisRunSpec(["dryRun": [["metricName": "^nothing$"]], "metrics": [["name": "m"]]])
        #expect(throws: AnalysisSpecError.self) { _ = try dry.dryRunMetrics(try dry.resolvedMetrics()) }
    }
}
