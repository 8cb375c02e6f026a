import Foundation
import HackWatchModel

extension ConfigReader {
    /// `update_loss_share` (a share in (0, 1], default 0.10) and `alert_late_reports` (default
    /// false): how incident stories grow (README "Incidents and updates").
    mutating func storyOptions(_ members: [String: JSONValue], into config: inout HackWatchConfig, at root: ConfigPath) {
        if let share = number(members, "update_loss_share", at: root) {
            if share > 0 && share <= 1 { config.updateLossShare = share }
            else { report(root.key("update_loss_share"), "expected a share between 0 and 1 (0.1 is 10%), got \(share)") }
        }
        config.alertLateReports = bool(members, "alert_late_reports", at: root) ?? config.alertLateReports
    }
}
