//! Who may read and change what: the roles, and the one place they are enforced.
//!
//! An account holds one [`Role`] over one unit and everything below it in the tree (or over the
//! whole server). Every handler that reads or changes anything of a unit asks an [`Access`]
//! first, and every response it reads passes [`Access::records`], which keeps only the units of
//! the account's subtree and takes the officer off each response the account may not see
//! per officer. A refusal outside the subtree says the same for a unit that exists and one
//! that does not, so nothing is learnt from it.

use std::collections::{BTreeMap, BTreeSet};

use survey::records::gate::CheckedRecord;
use wire::session::{Permission, Role};

use crate::roles::Has;
use crate::storage::sessions::AccountRow;
use crate::storage::units::UnitRow;

/// Why a request was refused, for a 403. Scope refusals all read alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forbidden(pub String);

impl Forbidden {
    /// The one refusal for anything out of reach, whether it exists or not.
    pub fn outside() -> Forbidden {
        Forbidden("this account has no access to that; nothing was read or changed".into())
    }
}

/// A signed-in account with the units it reaches.
#[derive(Clone, Debug)]
pub struct Access {
    pub account: AccountRow,
    /// The account's unit and every unit below it; None for the whole server.
    scope: Option<BTreeSet<String>>,
}

impl Access {
    /// The account's access over the tree as it is now.
    pub fn new(account: AccountRow, units: &[UnitRow]) -> Access {
        let scope = account.unit.as_ref().map(|top| subtree(top, units));
        Access { account, scope }
    }

    /// The units this account reaches; None for the whole server (which also reaches responses
    /// of codes that no unit has yet).
    pub fn scope(&self) -> Option<&BTreeSet<String>> {
        self.scope.as_ref()
    }

    /// Whether the unit `code` (None: a response that names no unit) is in this account's reach.
    pub fn reaches(&self, code: Option<&str>) -> bool {
        match (&self.scope, code) {
            (None, _) => true,
            (Some(scope), Some(code)) => scope.contains(code),
            (Some(_), None) => false,
        }
    }

    /// The role allows `permission` at all.
    pub fn may(&self, permission: Permission) -> Result<(), Forbidden> {
        if self.account.role.has(permission) {
            Ok(())
        } else {
            Err(Forbidden(format!(
                "a {} account may not do this ({}); nothing was read or changed",
                self.account.role.name(),
                crate::roles::describe(permission)
            )))
        }
    }

    /// The role allows `permission` on the unit `code`, which is in reach. None stands for the
    /// whole server (every unit, and responses that name none).
    pub fn may_on(&self, permission: Permission, code: Option<&str>) -> Result<(), Forbidden> {
        self.may(permission)?;
        if self.reaches(code) { Ok(()) } else { Err(Forbidden::outside()) }
    }

    /// Whether this account may see the officer of a response of unit `code`: administrators
    /// of its subtree, and leaders of that very unit (never of the units below theirs).
    pub fn sees_officers_of(&self, code: Option<&str>) -> bool {
        match self.account.role {
            Role::Admin => self.reaches(code),
            Role::Leader => self.account.unit.is_none() || self.account.unit.as_deref() == code,
            Role::Office | Role::Viewer => false,
        }
    }

    /// What this account may read of `records`: those of its subtree, each without its officer
    /// unless [`Access::sees_officers_of`] its unit.
    pub fn records(&self, records: Vec<CheckedRecord>) -> Vec<CheckedRecord> {
        records
            .into_iter()
            .filter(|record| self.reaches(record.unit.as_deref()))
            .map(|record| if self.sees_officers_of(record.unit.as_deref()) { record } else { record.without_staff() })
            .collect()
    }

    /// Whether this account may make or change an account over `code`: only
    /// administrators, only within their subtree, and never one that reaches above their own.
    pub fn may_manage_account(&self, code: Option<&str>) -> Result<(), Forbidden> {
        self.may(Permission::ManageAccounts)?;
        if self.reaches(code) && (code.is_some() || self.scope.is_none()) { Ok(()) } else { Err(Forbidden::outside()) }
    }
}

/// `top` and every unit below it.
pub fn subtree(top: &str, units: &[UnitRow]) -> BTreeSet<String> {
    let mut children: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for unit in units {
        if let Some(parent) = &unit.parent {
            children.entry(parent.as_str()).or_default().push(&unit.code);
        }
    }
    let mut found = BTreeSet::new();
    let mut stack = vec![top];
    while let Some(code) = stack.pop() {
        // The tree has no cycle (the store refuses one), but a set keeps this finite anyway.
        if found.insert(code.to_owned()) {
            stack.extend(children.get(code).into_iter().flatten().copied());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, parent: Option<&str>) -> UnitRow {
        UnitRow { code: code.into(), parent: parent.map(Into::into), name_vi: code.into(), name_en: None }
    }

    fn access(role: Role, top: Option<&str>) -> Access {
        let units = [unit("tp", None), unit("p1", Some("tp")), unit("p2", Some("tp"))];
        Access::new(AccountRow { name: "a".into(), role, unit: top.map(Into::into), added_at: String::new() }, &units)
    }

    #[test]
    fn an_account_reaches_its_unit_and_below_and_nothing_else() {
        let ward = access(Role::Office, Some("p1"));
        assert!(ward.reaches(Some("p1")));
        assert!(!ward.reaches(Some("p2")));
        assert!(!ward.reaches(Some("tp")));
        assert!(!ward.reaches(Some("khong-co")));
        assert!(!ward.reaches(None));
        assert_eq!(
            ward.may_on(Permission::ReadFigures, Some("p2")),
            ward.may_on(Permission::ReadFigures, Some("nope"))
        );
        let city = access(Role::Viewer, Some("tp"));
        assert!(city.reaches(Some("p1")) && city.reaches(Some("p2")));
        assert!(city.may(Permission::ReadOfficers).is_err());
        assert!(access(Role::Admin, None).reaches(Some("khong-co")));
    }

    #[test]
    fn officers_are_seen_by_the_leader_of_their_own_unit_only() {
        let city_leader = access(Role::Leader, Some("tp"));
        assert!(!city_leader.sees_officers_of(Some("p1")));
        assert!(city_leader.sees_officers_of(Some("tp")));
        assert!(access(Role::Leader, Some("p1")).sees_officers_of(Some("p1")));
        assert!(!access(Role::Office, Some("p1")).sees_officers_of(Some("p1")));
        assert!(!access(Role::Viewer, Some("tp")).sees_officers_of(Some("p1")));
        assert!(access(Role::Admin, Some("tp")).sees_officers_of(Some("p2")));
    }

    #[test]
    fn the_roles_table_is_least_privilege() {
        for permission in [Permission::ManageUnits, Permission::ManageAccounts] {
            assert_eq!(Role::ALL.map(|role| role.has(permission)), [true, false, false, false]);
        }
        assert_eq!(Role::ALL.map(|role| role.has(Permission::ReadFigures)), [true; 4]);
        assert_eq!(Role::ALL.map(|role| role.has(Permission::ReadOfficers)), [true, true, false, false]);
        assert_eq!(Role::ALL.map(|role| role.has(Permission::IssueTokens)), [true, true, true, false]);
        let ward_admin = access(Role::Admin, Some("p1"));
        assert!(ward_admin.may_manage_account(Some("p1")).is_ok());
        assert!(ward_admin.may_manage_account(None).is_err(), "never above its own unit");
        assert!(ward_admin.may_manage_account(Some("p2")).is_err());
    }
}
