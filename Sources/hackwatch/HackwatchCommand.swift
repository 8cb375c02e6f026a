import ArgumentParser
import HackWatchHTTP

@main
struct HackwatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hackwatch",
        abstract: "Watch crypto/DeFi hack feeds and alert when an incident matches your rules.",
        discussion: HackwatchCommand.discussion,
        version: HTTPClient.version,
        subcommands: [Run.self, Once.self, Check.self, TestRules.self, Replay.self, Stats.self, Status.self, Presets.self, Exposure.self,
                      Silence.self,
                      Preview.self, NotifyTestCommand.self]
    )

    /// What `--help` and the man page say about the process as a whole: the contract a unit
    /// file, cron or a monitoring check is written against.
    static let discussion = """
        Every command takes --config FILE (-c FILE); without it, \
        /etc/hackwatch/config.json. The first poll of a feed records what it already \
        lists without alerting (config "baseline", default 7d): a first run is \
        silent; incidents that appear later alert.

        EXIT STATUS
          0   success; once: every feed polled, every delivery acknowledged
          1   an error, logged on stderr; once: a feed failed
          2   once: deliveries still pending (the next once or run retries them)
          4   once: a delivery went dead in this run (hackwatch status says why)
              once adds these up: 3 = a feed failed and deliveries are pending
          64  bad command line
          78  run, once: unusable config, rules file or sink secret (EX_CONFIG)

        SIGNALS (run)
          SIGHUP           reload config and rules; on an error the old ones stay
          SIGTERM, SIGINT  stop polling, finish deliveries (delivery_deadline)

        ENVIRONMENT
          HACKWATCH_LOG_LEVEL    overrides log_level (trace ... critical)
          STATE_DIRECTORY        state_dir when the config sets none (systemd)
          CREDENTIALS_DIRECTORY  expands in url_file/secret_file (systemd)
          NOTIFY_SOCKET          systemd readiness (Type=notify)
          WATCHDOG_USEC          systemd watchdog interval (WatchdogSec=)
          JOURNAL_STREAM         set by systemd: <N> priorities, no timestamps
          http_proxy, https_proxy, no_proxy   proxies, as libcurl reads them
        """
}
