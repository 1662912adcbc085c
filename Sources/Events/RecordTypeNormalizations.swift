/// Normalizations of events whose first record is not SYSCALL (user-space login/account records, CONFIG_CHANGE,
/// AVC, …), keyed by record type name, with the facts of go-libaudit's `normalizations.yaml` (record-type part).
/// When such an event also has a SYSCALL record, the syscall's categories and types are appended.
enum RecordTypeNormalizations {
    /// Normalizations for a record type name (`USER_LOGIN`); AVC has two, told apart by `requiredFields`.
    static func lookup(_ recordType: String) -> [Normalization] {
        table[recordType] ?? []
    }

    static let table: [String: [Normalization]] = {
        var table: [String: [Normalization]] = [:]
        for (names, normalization) in entries {
            for name in names { table[name, default: []].append(normalization) }
        }
        return table
    }()

    // Building blocks shared by many rows (the YAML's macros).
    private typealias N = Normalization
    private static let auth = (categories: ["authentication"], types: ["info"])
    private static let userSessionMappings: [N.UserMapping] = [.subjectPrimaryToUser, .subjectSecondaryToUserEffective]
    private static let userModification: [N.UserMapping] =
        [.subjectPrimaryToUser, .subjectSecondaryToUserEffective, .objectPrimaryToUserTarget]
    private static let groupModification: [N.UserMapping] =
        [.subjectPrimaryToUser, .subjectSecondaryToUserEffective, .objectPrimaryToGroupTarget]

    /// A user-session record (`USER_LOGIN`, `USER_AUTH`, …): actor = auid / acct|id|uid, object = terminal.
    private static func session(_ action: String, categories: [String] = ["authentication"], types: [String] = ["info"],
                                objectType: String = "user-session", objectPrimary: [String] = ["terminal"],
                                objectSecondary: [String] = ["addr", "hostname"], sourceIP: [String] = [],
                                mappings: [N.UserMapping]? = nil) -> N
    {
        N(action: action, objectType: objectType, categories: categories, types: types,
          subjectPrimary: ["auid"], subjectSecondary: ["acct", "id", "uid"], objectPrimary: objectPrimary,
          objectSecondary: objectSecondary, how: ["exe", "terminal"], sourceIP: sourceIP,
          userMappings: mappings ?? (categories == ["authentication"] ? userSessionMappings : []))
    }

    private static func account(_ action: String, types: [String], mappings: [N.UserMapping]) -> N {
        N(action: action, objectType: "account", categories: ["iam"], types: types, objectPrimary: ["id", "acct"],
          userMappings: mappings)
    }

    private static func simple(_ action: String, _ categories: [String], _ types: [String], object: String? = nil,
                               primary: [String] = [], secondary: [String] = [], how: [String] = []) -> N
    {
        N(action: action, objectType: object, categories: categories, types: types, objectPrimary: primary,
          objectSecondary: secondary, how: how)
    }

    private static let process = ["process"], host = ["host"], configuration = ["configuration"]
    private static let processConfiguration = ["process", "configuration"]
    private static let network = ["network"]

    static let entries: [([String], Normalization)] = [
        // Identity and access management.
        (["ACCT_LOCK"], simple("locked-account", ["iam"], ["user", "info"])),
        (["ACCT_UNLOCK"], simple("unlocked-account", ["iam"], ["user", "info"])),
        (["ADD_GROUP"], account("added-group-account-to", types: ["group", "creation"], mappings: groupModification)),
        (["ADD_USER"], account("added-user-account", types: ["user", "creation"], mappings: userModification)),
        (["DEL_GROUP"], account("deleted-group-account-from", types: ["group", "deletion"], mappings: groupModification)),
        (["DEL_USER"], account("deleted-user-account", types: ["user", "deletion"], mappings: userModification)),
        (["GRP_MGMT"], account("modified-group-account", types: ["group", "change"],
                               mappings: [.subjectPrimaryToUser, .subjectSecondaryToGroupTarget, .uidToUserEffective])),
        (["ROLE_ASSIGN"], account("assigned-user-role-to", types: ["user", "change"], mappings: [])),
        (["ROLE_MODIFY"], simple("modified-role", ["iam"], ["change"])),
        (["ROLE_REMOVE"], account("removed-user-role-from", types: ["user", "change"], mappings: [])),
        (["USER_MGMT"], session("modified-user-account", categories: ["iam"], types: ["user", "change"],
                                mappings: [.subjectPrimaryToUser, .subjectSecondaryToUserTarget, .uidToUserEffective])),
        (["USER_CHAUTHTOK"], session("changed-password", categories: ["iam"], types: ["user", "change"],
                                     mappings: [.subjectPrimaryToUser, .uidToUserEffective, .subjectSecondaryToUserTarget])),
        (["GRP_CHAUTHTOK"], session("changed-group-password", categories: ["iam"], types: ["group", "change"],
                                    objectPrimary: ["acct"],
                                    mappings: [.subjectPrimaryToUser, .uidToUserEffective, .subjectSecondaryToGroupTarget])),
        // Authentication.
        (["CRED_ACQ"], session("acquired-credentials")),
        (["CRED_DISP"], session("disposed-credentials")),
        (["CRED_REFR"], session("refreshed-credentials")),
        (["GRP_AUTH"], N(action: "authenticated-to-group", categories: auth.categories, types: auth.types,
                         userMappings: userSessionMappings)),
        (["LOGIN"], N(action: "changed-login-id-to", objectType: "user-session", categories: auth.categories,
                      types: ["start"], subjectPrimary: ["old_auid", "old-auid"], subjectSecondary: ["uid"],
                      objectPrimary: ["new-auid", "new_auid", "auid"],
                      userMappings: [.subjectPrimaryToUser, .objectPrimaryToUserEffective])),
        (["USER_ACCT"], session("was-authorized")),
        (["USER_AUTH"], session("authenticated")),
        (["USER_END"], session("ended-session", categories: ["session"], types: ["end"], mappings: userSessionMappings)),
        (["USER_ERR"], session("error", sourceIP: ["addr"])),
        (["USER_LOGIN"], session("logged-in", types: ["start"], sourceIP: ["addr"])),
        (["USER_LOGOUT"], session("logged-out", types: ["end"])),
        (["USER_ROLE_CHANGE"], session("changed-role-to", categories: [], types: [],
                                       objectPrimary: ["selected-context"], objectSecondary: ["addr", "hostname"])),
        (["USER_START"], session("started-session", categories: ["session"], types: ["start"], sourceIP: ["addr"],
                                 mappings: userSessionMappings)),
        // Virtualization.
        (["VIRT_CONTROL"], simple("issued-vm-control", host, ["info"], object: "virtual-machine", primary: ["op"],
                                  secondary: ["vm"])),
        (["VIRT_CREATE"], simple("created-vm-image", host, ["info"])),
        (["VIRT_DESTROY"], simple("deleted-vm-image", host, ["info"])),
        (["VIRT_INTEGRITY_CHECK"], simple("checked-integrity-of", host, ["info"])),
        (["VIRT_MACHINE_ID"], simple("assigned-vm-id", host, ["info"], object: "virtual-machine", primary: ["vm"])),
        (["VIRT_MIGRATE_IN"], simple("migrated-vm-from", host, ["info"])),
        (["VIRT_MIGRATE_OUT"], simple("migrated-vm-to", host, ["info"])),
        (["VIRT_RESOURCE"], simple("assigned-vm-resource", host, ["info"], object: "virtual-machine",
                                   primary: ["resrc"], secondary: ["vm"])),
        // User-space process events.
        (["CHGRP_ID"], simple("changed-group", process, ["change"])),
        (["CHUSER_ID"], simple("changed-user-id", process, ["change"])),
        (["TEST"], simple("sent-test", process, ["info"])),
        (["TRUSTED_APP"], simple("unknown", process, ["info"])),
        (["USER_CMD"], simple("ran-command", process, ["start"], object: "process", primary: ["cmd"])),
        // Host and service.
        (["SYSTEM_BOOT"], simple("booted-system", host, ["start"], object: "system")),
        (["SYSTEM_RUNLEVEL"], simple("changed-to-runlevel", host, ["change"], object: "system", primary: ["new-level"])),
        (["SYSTEM_SHUTDOWN"], simple("shutdown-system", host, ["end"], object: "system")),
        (["SERVICE_START"], simple("started-service", process, ["start"], object: "service", primary: ["unit"])),
        (["SERVICE_STOP"], simple("stopped-service", process, ["stop"], object: "service", primary: ["unit"])),
        // The audit subsystem itself.
        (["CONFIG_CHANGE"], simple("changed-audit-configuration", processConfiguration, ["change"], object: "audit-config",
                                   primary: ["op", "key", "audit_enabled", "audit_pid", "audit_backlog_limit",
                                             "audit_failure"])),
        (["DAEMON_ABORT"], simple("aborted-auditd-startup", process, ["stop"], object: "service")),
        (["DAEMON_ACCEPT"], simple("remote-audit-connected", network, ["connection", "start"], object: "service")),
        (["DAEMON_CLOSE"], simple("remote-audit-disconnected", network, ["connection", "start"], object: "service")),
        (["DAEMON_CONFIG"], simple("changed-auditd-configuration", processConfiguration, ["change"], object: "service")),
        (["DAEMON_END"], simple("shutdown-audit", process, ["stop"], object: "service")),
        (["DAEMON_ERR"], simple("audit-error", process, ["info"], object: "service")),
        (["DAEMON_RECONFIG"], simple("reconfigured-auditd", processConfiguration, ["info"], object: "service")),
        (["DAEMON_RESUME"], simple("resumed-audit-logging", process, ["change"], object: "service")),
        (["DAEMON_ROTATE"], simple("rotated-audit-logs", process, ["change"], object: "service")),
        (["DAEMON_START"], simple("started-audit", process, ["start"], object: "service")),
        (["KERNEL"], simple("initialized-audit-subsystem", process, ["info"])),
        // Configuration changes.
        (["USYS_CONFIG"], simple("changed-configuration", configuration, ["change"], object: "system", primary: ["op"])),
        (["NETFILTER_CFG"], simple("loaded-firewall-rule-to", configuration, ["change"], object: "firewall",
                                   primary: ["table"])),
        (["FEATURE_CHANGE"], simple("changed-audit-feature", configuration, ["change"], object: "system",
                                    primary: ["feature"])),
        (["KERN_MODULE"], SyscallNormalizations.kernelModuleLoad),
        (["TIME_ADJNTPVAL", "TIME_INJOFFSET"], SyscallNormalizations.systemTimeChange),
        // TTY input.
        (["TTY", "USER_TTY"], simple("typed", [], [], object: "keystrokes", primary: ["data"], how: ["comm", "exe"])),
        // Mandatory access control.
        (["AVC"], N(action: "violated-selinux-policy", categories: [], types: [], subjectPrimary: ["scontext"],
                    objectPrimary: ["tcontext"], objectSecondary: ["tclass"], requiredFields: ["seresult"])),
        (["AVC"], N(action: "violated-apparmor-policy", objectType: "policy", categories: [], types: [],
                    objectPrimary: ["operation"], objectSecondary: ["requested_mask", "denied_mask", "capname"],
                    requiredFields: ["apparmor"])),
        (["FS_RELABEL"], simple("relabeled-filesystem", [], [], object: "mac-config")),
        (["LABEL_LEVEL_CHANGE"], simple("modified-level-of", [], [], object: "printer", primary: ["printer"])),
        (["LABEL_OVERRIDE"], simple("overrode-label-of", [], [], object: "mac-config")),
        (["MAC_CHECK"], simple("mac-permission", [], [])),
        (["MAC_CONFIG_CHANGE"], simple("changed-selinux-boolean", configuration, ["change"], object: "mac-config",
                                       primary: ["bool"])),
        (["MAC_POLICY_LOAD"], simple("loaded-selinux-policy", configuration, ["access"], object: "mac-config")),
        (["MAC_STATUS"], simple("changed-selinux-enforcement", configuration, ["change"], object: "mac-config",
                                primary: ["enforcing"])),
        (["USER_AVC"], simple("access-permission", [], [])),
        (["USER_MAC_CONFIG_CHANGE"], simple("changed-mac-configuration", configuration, ["change"], object: "mac-config")),
        (["USER_MAC_POLICY_LOAD"], simple("loaded-mac-policy", configuration, ["access"], object: "mac-config")),
        (["USER_SELINUX_ERR"], simple("access-error", [], [])),
        (["SECCOMP"], simple("violated-seccomp-policy", [], [], object: "process", primary: ["syscall"])),
        (["SELINUX_ERR"], simple("caused-mac-policy-error", [], [], object: "system")),
        // Crypto.
        (["CRYPTO_KEY_USER"], session("negotiated-crypto-key", categories: process, objectPrimary: ["fp"],
                                      sourceIP: ["addr"])),
        (["CRYPTO_LOGIN"], simple("crypto-officer-logged-in", [], [])),
        (["CRYPTO_LOGOUT"], simple("crypto-officer-logged-out", process, ["info"])),
        (["CRYPTO_SESSION"], session("started-crypto-session", categories: process, objectPrimary: ["addr"],
                                     objectSecondary: ["rport"], sourceIP: ["addr"])),
        (["DAC_CHECK"], simple("access-result", [], [])),
        // Anomalies.
        (["ANOM_ABEND"], simple("crashed-program", ["process", "intrusion_detection"], ["end", "info"], object: "process", primary: ["comm", "exe"],
                                secondary: ["pid"], how: ["sig"])),
        (["ANOM_EXEC"], simple("attempted-execution-of-forbidden-program", process, ["start"], object: "process",
                               primary: ["cmd"], how: ["terminal"])),
        (["ANOM_LINK"], simple("used-suspicious-link", [], [])),
        (["ANOM_LOGIN_FAILURES"], session("failed-log-in-too-many-times-to", categories: [], types: [])),
        (["ANOM_LOGIN_LOCATION"], session("attempted-log-in-from-unusual-place-to", categories: [], types: [])),
        (["ANOM_LOGIN_SESSIONS"], session("opened-too-many-sessions-to", categories: [], types: [])),
        (["ANOM_LOGIN_TIME"], session("attempted-log-in-during-unusual-hour-to", categories: [], types: [])),
        (["ANOM_PROMISCUOUS"], simple("changed-promiscuous-mode-on-device", ["intrusion_detection"], ["info", "change"], object: "network-device",
                                      primary: ["dev"])),
        (["ANOM_RBAC_INTEGRITY_FAIL"], simple("tested-file-system-integrity-of", [], [], object: "filesystem",
                                              primary: ["hostname"])),
        (["USER"], simple("sent-message", [], [], primary: ["addr"])),
    ]
}
