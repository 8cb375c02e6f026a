import HackWatchModel

extension DaemonRuntime {
    /// Where a rule's alert on `incident` goes: `destinations(notify:severity:)`, plus — when
    /// the incident is exposed and its `exposure_owner` names an enabled sink — that sink (its
    /// `min_severity` still applies), so the owner of a holding hears of every alert touching it.
    package func destinations(notify: [String]?, severity: Severity, incident: Incident) -> [String] {
        var sinks = destinations(notify: notify, severity: severity)
        if incident.exposed, let owner = incident.exposureOwner, !sinks.contains(owner),
           let sink = sinkConfigs[owner], severity >= sink.minSeverity {
            sinks.append(owner)
        }
        return sinks
    }
}
