//! The roles and what each may do: pure, with no HTTP or SQL. `Role::has` is the table of
//! ARCHITECTURE.md; `crate::http::access` adds a unit's subtree and the officer rule to it.

/// What an account is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// What an account may do, each checked against its role here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    pub fn label(self) -> survey::text::Text {
        let (vi, en) = match self {
            Role::Admin => ("Quản trị", "Administrator"),
            Role::Leader => ("Lãnh đạo đơn vị", "Unit leader"),
            Role::Office => ("Cán bộ văn phòng", "Office staff"),
            Role::Viewer => ("Theo dõi (Sở Nội vụ)", "Viewer"),
        };
        survey::text::Text { vi: vi.into(), en: Some(en.into()) }
    }

    /// The table of ARCHITECTURE.md: whether this role has `permission` at all (within its
    /// subtree; `crate::http::access::Access` adds the subtree and the own-unit rule for officers).
    pub fn has(self, permission: Permission) -> bool {
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

impl Permission {
    /// What the permission is for, in a refusal.
    pub fn describe(self) -> &'static str {
        match self {
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
}
