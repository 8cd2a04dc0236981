//! The changes the administration's forms ask of the server, made from what was typed: one
//! function per form, so that the page (`admin`) only lays the forms out.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// One change asked of the server: method, path and body, and what to say when it is done.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Change {
    pub method: &'static str,
    pub path: String,
    pub body: Value,
    pub done: &'static str,
    /// The form's fields, emptied once the server has done it.
    pub clears: &'static [&'static str],
    /// The kiosk a pairing code the server answers with is for.
    pub kiosk: Option<String>,
}

pub(super) type Fields = BTreeMap<&'static str, String>;

/// The "move to the top" choice of the unit form's parent.
pub(super) const TOP: &str = "-";

/// The kiosk form's fields of the seven days' opening hours, Monday first.
pub(super) const HOURS: [&str; 7] = [
    "edit-device-hours-1",
    "edit-device-hours-2",
    "edit-device-hours-3",
    "edit-device-hours-4",
    "edit-device-hours-5",
    "edit-device-hours-6",
    "edit-device-hours-7",
];

fn optional(value: &str) -> Value {
    if value.trim().is_empty() { Value::Null } else { json!(value.trim()) }
}

pub(super) fn add_unit(fields: &Fields) -> Change {
    Change {
        method: "POST",
        path: wire::city::UNITS.into(),
        body: json!({
            "code": fields.get("unit-code").map(|code| code.trim()).unwrap_or_default(),
            "name_vi": fields.get("unit-name").cloned().unwrap_or_default(),
            "name_en": optional(fields.get("unit-name-en").map(String::as_str).unwrap_or_default()),
            "parent": optional(fields.get("unit-parent").map(String::as_str).unwrap_or_default()),
        }),
        done: "Đã thêm đơn vị. / Unit added.",
        clears: &["unit-code", "unit-name", "unit-name-en"],
        kiosk: None,
    }
}

pub(super) fn name_counter(fields: &Fields) -> Change {
    let unit = fields.get("counter-unit").cloned().unwrap_or_default();
    let code = fields.get("counter-code").map(|code| code.trim().to_owned()).unwrap_or_default();
    Change {
        method: "PUT",
        path: wire::path(wire::city::UNIT_COUNTER, &[&unit, &code]),
        body: json!({ "name_vi": fields.get("counter-name").cloned().unwrap_or_default() }),
        done: "Đã đặt tên quầy. / Counter named.",
        clears: &["counter-code", "counter-name"],
        kiosk: None,
    }
}

pub(super) fn add_account(fields: &Fields) -> Change {
    Change {
        method: "POST",
        path: wire::city::ACCOUNTS.into(),
        body: json!({
            "name": fields.get("account-new-name").map(|name| name.trim()).unwrap_or_default(),
            "password": fields.get("account-new-password").cloned().unwrap_or_default(),
            "role": fields.get("account-role").cloned().filter(|role| !role.is_empty()).unwrap_or_else(|| "office".into()),
            "unit": optional(fields.get("account-unit").map(String::as_str).unwrap_or_default()),
        }),
        done: "Đã tạo tài khoản. / Account made.",
        clears: &["account-new-name", "account-new-password"],
        kiosk: None,
    }
}

pub(super) fn add_device(fields: &Fields) -> Change {
    Change {
        method: "POST",
        path: wire::city::DEVICES.into(),
        body: json!({
            "name": fields.get("device-name").map(|name| name.trim()).unwrap_or_default(),
            "unit": fields.get("device-unit").cloned().unwrap_or_default(),
            "counter": optional(fields.get("device-counter").map(String::as_str).unwrap_or_default()),
            "survey_id": fields.get("device-survey").cloned().filter(|id| !id.is_empty()).unwrap_or_else(|| survey_defs::COUNTER_RATING_ID.into()),
        }),
        done: "Đã thêm thiết bị: nhập mã ghép nối ở thiết bị. / Kiosk added: enter the pairing code on it.",
        clears: &["device-name", "device-counter"],
        kiosk: fields.get("device-name").map(|name| name.trim().to_owned()),
    }
}

pub(super) fn edit_unit(fields: &Fields) -> Change {
    let code = fields.get("edit-unit").cloned().unwrap_or_default();
    let mut body = serde_json::Map::new();
    let given = |id: &str| fields.get(id).map(|text| text.trim().to_owned()).filter(|text| !text.is_empty());
    if let Some(name) = given("edit-unit-name") {
        body.insert("name_vi".into(), json!(name));
    }
    if let Some(name) = given("edit-unit-name-en") {
        body.insert("name_en".into(), json!(name));
    }
    match given("edit-unit-parent").as_deref() {
        None => {}
        Some(TOP) => {
            body.insert("parent".into(), Value::Null);
        }
        Some(parent) => {
            body.insert("parent".into(), json!(parent));
        }
    }
    Change {
        method: "PATCH",
        path: wire::path(wire::city::UNIT, &[&code]),
        body: Value::Object(body),
        done: "Đã lưu đơn vị. / Unit changed.",
        clears: &["edit-unit-name", "edit-unit-name-en", "edit-unit-parent"],
        kiosk: None,
    }
}

pub(super) fn remove_unit(fields: &Fields) -> Change {
    Change {
        method: "DELETE",
        path: wire::path(wire::city::UNIT, &[&fields.get("remove-unit").cloned().unwrap_or_default()]),
        body: Value::Null,
        done: "Đã xóa đơn vị. / Unit removed.",
        clears: &["remove-unit", "remove-unit-sure"],
        kiosk: None,
    }
}

pub(super) fn edit_device(fields: &Fields) -> Change {
    let name = fields.get("edit-device").cloned().unwrap_or_default();
    let given = |id: &str| fields.get(id).map(|text| text.trim().to_owned()).filter(|text| !text.is_empty());
    let mut body = serde_json::Map::new();
    if let Some(counter) = given("edit-device-counter") {
        body.insert("counter".into(), json!(counter));
    }
    if let Some(survey) = given("edit-device-survey") {
        body.insert("survey_id".into(), json!(survey));
    }
    if let Some(officers) = given("edit-device-officers") {
        body.insert("officers".into(), json!(wire::sync::DutyOfficer::parse_lines(officers.lines())));
    }
    if let Some(on_duty) = given("edit-device-on-duty") {
        body.insert("on_duty".into(), json!(on_duty));
    }
    if fields.get("edit-device-set-hours").is_some_and(|ticked| ticked == "on") {
        let week: Vec<String> =
            HOURS.iter().map(|id| fields.get(id).map(|day| day.trim().to_owned()).unwrap_or_default()).collect();
        // No hours on any day: always open.
        let week = if week.iter().all(String::is_empty) { Vec::new() } else { week };
        body.insert("week_hours".into(), json!(week));
    }
    Change {
        method: "PATCH",
        path: wire::path(wire::city::DEVICE, &[&name]),
        body: Value::Object(body),
        done: "Đã lưu: thiết bị nhận thay đổi giữa hai lượt người dân. / Saved: the kiosk takes it between two citizens.",
        clears: &[],
        kiosk: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(pairs: &[(&'static str, &str)]) -> Fields {
        pairs.iter().map(|(id, value)| (*id, (*value).to_owned())).collect()
    }

    #[test]
    fn a_blank_field_is_left_out_and_the_top_is_null() {
        let change = edit_unit(&typed(&[("edit-unit", "p1"), ("edit-unit-name", "  "), ("edit-unit-parent", TOP)]));
        assert_eq!((change.method, change.path.as_str()), ("PATCH", "/api/v1/units/p1"));
        assert_eq!(change.body, json!({ "parent": null }));
        let kept = edit_unit(&typed(&[("edit-unit", "p1"), ("edit-unit-name", " Phường Mới ")]));
        assert_eq!(kept.body, json!({ "name_vi": "Phường Mới" }), "not moved");
    }

    #[test]
    fn a_kiosks_week_is_seven_days_or_none_for_always_open() {
        let mut fields = typed(&[
            ("edit-device", "kiosk-1"),
            ("edit-device-officers", "cb-01; Nguyễn Văn An\n\ncb-02"),
            ("edit-device-on-duty", "cb-02"),
            ("edit-device-set-hours", "on"),
            (HOURS[0], "07:30-11:30"),
        ]);
        let change = edit_device(&fields);
        assert_eq!(change.body["week_hours"], json!(["07:30-11:30", "", "", "", "", "", ""]));
        assert_eq!(
            change.body["officers"],
            json!([{ "code": "cb-01", "name": "Nguyễn Văn An" }, { "code": "cb-02", "name": "" }])
        );
        assert_eq!(change.body["on_duty"], "cb-02");
        fields.insert(HOURS[0], String::new());
        assert_eq!(edit_device(&fields).body["week_hours"], json!([]));
        fields.insert("edit-device-set-hours", String::new());
        assert!(edit_device(&fields).body.get("week_hours").is_none(), "hours not ticked: unchanged");
    }
}
