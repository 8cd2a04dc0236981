//! Signing in: the session a browser holds, with the account's permissions as the server's
//! one access module computes them (the app shows by permission, never by a role's name), and
//! a password change.

use serde::{Deserialize, Serialize};
use survey::text::Text;

/// `GET` who is signed in, `POST` a sign-in ([`SignIn`]), `DELETE` a sign-out: [`Session`].
pub const SESSION: &str = "/api/v1/session";
/// `POST` the signed-in account's new password ([`PasswordChange`]).
pub const PASSWORD: &str = "/api/v1/session/password";
/// The format of [`Session`].
pub const SESSION_FORMAT: u32 = 1;

/// What an account is for, by name on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything of the subtree, including its units and accounts.
    Admin,
    /// A unit's leaders: every figure of the subtree, per officer for their own unit only; the
    /// audit log of the subtree.
    Leader,
    /// Office staff: figures without officers, tokens, certifying, kiosks.
    Office,
    /// The city's Sở Nội vụ: figures and exports of every unit below, never per officer.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Leader, Role::Office, Role::Viewer];

    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::Office => "office",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.name() == text)
    }

    /// The role's name on screen.
    pub fn label(self) -> Text {
        let (vi, en) = match self {
            Role::Admin => ("Quản trị", "Administrator"),
            Role::Leader => ("Lãnh đạo đơn vị", "Unit leader"),
            Role::Office => ("Cán bộ văn phòng", "Office staff"),
            Role::Viewer => ("Theo dõi (Sở Nội vụ)", "Viewer"),
        };
        Text { vi: vi.into(), en: Some(en.into()) }
    }
}

/// What an account may do, each granted by its role (the server's `roles`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Tallies, indices and their exports, without officers.
    ReadFigures,
    /// Per-officer figures and raw responses (which name the officer).
    ReadOfficers,
    /// The responses themselves, with their (masked) comments, without officers.
    ReadResponses,
    IssueTokens,
    Certify,
    /// The dossiers a unit received in a period (the response rate's denominator).
    EnterDossiers,
    /// The low ratings of a unit, as they arrive, and marking them followed up.
    FollowUp,
    /// Sorting what citizens wrote: tagging comments with topics, marking them quotable.
    TagComments,
    /// A unit's list of topics for comments, which is for a unit's leaders.
    SetTopics,
    ManageDevices,
    ReadAudit,
    ManageUnits,
    ManageAccounts,
}

impl Permission {
    pub const ALL: [Permission; 13] = [
        Permission::ReadFigures,
        Permission::ReadOfficers,
        Permission::ReadResponses,
        Permission::IssueTokens,
        Permission::Certify,
        Permission::EnterDossiers,
        Permission::FollowUp,
        Permission::TagComments,
        Permission::SetTopics,
        Permission::ManageDevices,
        Permission::ReadAudit,
        Permission::ManageUnits,
        Permission::ManageAccounts,
    ];
}

/// The signed-in account, as [`SESSION`] says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    pub role: Role,
    pub role_label: Text,
    pub unit: Option<String>,
    pub unit_name: Option<String>,
    /// What the account may do, within its unit's subtree.
    pub permissions: Vec<Permission>,
}

impl Account {
    pub fn may(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

/// A session: the account, the token its changes carry, and how long it lasts unused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub format: u32,
    pub account: Account,
    pub csrf: String,
    pub idle_seconds: i64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub name: String,
    pub password: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}
