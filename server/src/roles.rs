//! What each role may do: pure, with no HTTP or SQL. `Role::has` is the table of ARCHITECTURE.md
//! over the roles and permissions of the wire (`wire::session`), which the session gives the
//! app; `crate::http::access` adds a unit's subtree and the officer rule to it.

use wire::session::{Permission, Role};

/// The table of ARCHITECTURE.md, on the wire's roles.
pub trait Has {
    /// Whether this role has `permission` at all (within its subtree; `Access` adds the
    /// subtree and the own-unit rule for officers).
    fn has(self, permission: Permission) -> bool;
}

impl Has for Role {
    fn has(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Leader => !matches!(permission, ManageUnits | ManageAccounts),
            Role::Office => {
                matches!(
                    permission,
                    ReadFigures | ReadResponses | IssueTokens | Certify | EnterDossiers | TagComments | ManageDevices
                )
            }
            Role::Viewer => matches!(permission, ReadFigures),
        }
    }
}

/// What `permission` is for, in a refusal.
pub fn describe(permission: Permission) -> &'static str {
    match permission {
        Permission::ReadFigures => "read figures",
        Permission::ReadOfficers => "read per-officer figures, which are for a unit's leaders",
        Permission::ReadResponses => "read the responses themselves",
        Permission::IssueTokens => "issue single-use codes",
        Permission::Certify => "certify a period",
        Permission::EnterDossiers => "enter the dossiers received",
        Permission::FollowUp => "follow up low ratings, which is for a unit's leaders",
        Permission::TagComments => "sort what citizens wrote",
        Permission::SetTopics => "set a unit's topics for comments, which is for a unit's leaders",
        Permission::ManageDevices => "manage kiosks",
        Permission::ReadAudit => "read the audit log",
        Permission::ManageUnits => "manage units",
        Permission::ManageAccounts => "manage accounts",
    }
}
