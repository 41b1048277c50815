//! Records out: NDJSON, one JSON array, a table, or CSV (RFC 4180, with a
//! header), written as they come where the format allows (all but the
//! table, which holds its rows to size its columns), so `| head` stops a
//! long listing early.
//!
//! Columns (table and CSV): `--fields a,b,c` when given, else the list's
//! own ([`crate::columns`]), else the first record's keys. A cell is the
//! field's text, number or boolean as written in JSON; a nested object or
//! array is its JSON text; a missing field or `null` is empty. `--fields`
//! picks the keys of NDJSON and JSON records too.

use crate::Failure;
use clap::ValueEnum;
use serde_json::{Map, Value};
use std::io::Write;

/// `--output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON object per line (the default when stdout is not a terminal).
    Ndjson,
    /// One JSON array, indented.
    Json,
    /// Columns for reading (the default for lists on a terminal).
    Table,
    /// RFC 4180, with a header row: for spreadsheets and reports.
    Csv,
}

/// Where records go, in one format.
pub struct Sink<W: Write> {
    format: Format,
    fields: Option<Vec<String>>,
    columns: Option<Vec<String>>,
    out: W,
    written: usize,
    table: Vec<Vec<String>>,
}

pub fn stdout_error(e: std::io::Error) -> Failure {
    Failure::Io("writing stdout".into(), e)
}

/// `a,b, c` -> the field names; an empty name is bad usage.
pub fn parse_fields(text: &str) -> Result<Vec<String>, Failure> {
    let fields: Vec<String> = text.split(',').map(|f| f.trim().to_string()).collect();
    if fields.iter().any(String::is_empty) {
        return Err(Failure::Usage(format!("--fields `{text}`: give field names separated by commas (id,summary)")));
    }
    Ok(fields)
}

/// A cell: strings as they are, numbers and booleans as JSON writes them,
/// nested values as JSON, nothing for null or missing.
pub fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

impl<W: Write> Sink<W> {
    /// `columns`: the list's own, used when `--fields` is not given.
    pub fn new(out: W, format: Format, fields: Option<Vec<String>>, columns: Option<&[&str]>) -> Self {
        let columns = fields.clone().or_else(|| columns.map(|c| c.iter().map(|s| s.to_string()).collect()));
        Sink { format, fields, columns, out, written: 0, table: Vec::new() }
    }

    /// The record with only `--fields`' keys, in their order; the record
    /// itself (not copied) without `--fields`.
    fn picked<'r>(&self, record: &'r Value) -> std::borrow::Cow<'r, Value> {
        match (&self.fields, record) {
            (Some(f), Value::Object(o)) => std::borrow::Cow::Owned(Value::Object(
                f.iter().map(|k| (k.clone(), o.get(k).cloned().unwrap_or(Value::Null))).collect(),
            )),
            _ => std::borrow::Cow::Borrowed(record),
        }
    }

    fn row(&mut self, record: &Value) -> Vec<String> {
        let columns = self.columns.get_or_insert_with(|| match record {
            Value::Object(o) => o.keys().cloned().collect(),
            _ => vec!["value".to_string()],
        });
        match record {
            Value::Object(o) => columns.iter().map(|c| cell(o.get(c))).collect(),
            other => vec![cell(Some(other))],
        }
    }

    /// One record.
    pub fn record(&mut self, record: &Value) -> Result<(), Failure> {
        match self.format {
            Format::Ndjson => {
                let v = self.picked(record);
                serde_json::to_writer(&mut self.out, &*v).map_err(std::io::Error::from).map_err(stdout_error)?;
                self.out.write_all(b"\n").map_err(stdout_error)?;
            }
            Format::Json => {
                let v = self.picked(record);
                self.out.write_all(if self.written == 0 { b"[\n" } else { b",\n" }).map_err(stdout_error)?;
                serde_json::to_writer_pretty(&mut self.out, &*v).map_err(std::io::Error::from).map_err(stdout_error)?;
            }
            Format::Table => {
                let row = self.row(record);
                self.table.push(row);
            }
            Format::Csv => {
                let row = self.row(record);
                if self.written == 0 {
                    let header = self.columns.clone().unwrap_or_default();
                    self.out.write_all(&csv_line(&header)?).map_err(stdout_error)?;
                }
                self.out.write_all(&csv_line(&row)?).map_err(stdout_error)?;
            }
        }
        self.written += 1;
        Ok(())
    }

    /// One value on its own (`get`, `request`): JSON writes the value itself,
    /// indented, not an array of one; the other formats one record.
    pub fn single(mut self, value: &Value) -> Result<(), Failure> {
        if self.format == Format::Json {
            let v = self.picked(value);
            serde_json::to_writer_pretty(&mut self.out, &*v).map_err(std::io::Error::from).map_err(stdout_error)?;
            self.out.write_all(b"\n").map_err(stdout_error)?;
            return self.out.flush().map_err(stdout_error);
        }
        self.record(value)?;
        self.finish()
    }

    /// Flushes what a streaming format has written (`halo watch`: line by line).
    pub fn flush(&mut self) -> Result<(), Failure> {
        self.out.flush().map_err(stdout_error)
    }

    /// The end: the JSON array closed, the table drawn, the CSV header
    /// written even with no record (when the columns are known), stdout
    /// flushed.
    pub fn finish(mut self) -> Result<(), Failure> {
        match self.format {
            Format::Ndjson => {}
            Format::Json => {
                let end: &[u8] = if self.written == 0 { b"[]\n" } else { b"\n]\n" };
                self.out.write_all(end).map_err(stdout_error)?;
            }
            Format::Table => {
                let mut t = comfy_table::Table::new();
                t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
                t.set_header(self.columns.clone().unwrap_or_default());
                for row in std::mem::take(&mut self.table) {
                    t.add_row(row.into_iter().map(|c| one_line(&c)).collect::<Vec<_>>());
                }
                if self.columns.is_some() {
                    writeln!(self.out, "{t}").map_err(stdout_error)?;
                }
            }
            Format::Csv => {
                if self.written == 0
                    && let Some(c) = &self.columns
                {
                    let line = csv_line(c)?;
                    self.out.write_all(&line).map_err(stdout_error)?;
                }
            }
        }
        self.out.flush().map_err(stdout_error)
    }
}

/// A table cell on one line, at most 60 characters (the full value is one
/// `--output json` away).
fn one_line(text: &str) -> String {
    let flat: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if flat.chars().count() > 60 { format!("{}…", flat.chars().take(59).collect::<String>()) } else { flat }
}

/// One CSV record (RFC 4180: quoted where needed, `\n` ended).
fn csv_line(cells: &[String]) -> Result<Vec<u8>, Failure> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    let bad = |e: String| Failure::Io("writing CSV".into(), std::io::Error::other(e));
    w.write_record(cells).map_err(|e| bad(e.to_string()))?;
    w.into_inner().map_err(|e| bad(e.to_string()))
}

/// An object of `pairs`, for the CLI's own lines (`{"deleted": 7}`).
pub fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<_, _>>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(format: Format, fields: Option<&str>, columns: Option<&[&str]>, records: &[Value]) -> String {
        let mut out = Vec::new();
        let fields = fields.map(|f| parse_fields(f).ok().unwrap());
        let mut s = Sink::new(&mut out, format, fields, columns);
        for r in records {
            assert!(s.record(r).is_ok());
        }
        assert!(s.finish().is_ok());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_quotes_as_rfc_4180_says_and_writes_nested_values_as_json() {
        let rows = [
            json!({"id": 1, "summary": "a, \"b\"\nc", "tags": [1, 2], "x": null}),
            json!({"id": 2, "summary": "plain", "tags": {"k": "v"}}),
        ];
        let out = run(Format::Csv, Some("id,summary,tags,x,missing"), None, &rows);
        assert_eq!(
            out,
            "id,summary,tags,x,missing\n1,\"a, \"\"b\"\"\nc\",\"[1,2]\",,\n2,plain,\"{\"\"k\"\":\"\"v\"\"}\",,\n"
        );
    }

    #[test]
    fn columns_are_the_fields_else_the_lists_else_the_first_records_keys() {
        let rows = [json!({"id": 1, "name": "a", "other": true})];
        assert_eq!(run(Format::Csv, None, Some(&["name", "id"]), &rows), "name,id\na,1\n");
        assert_eq!(run(Format::Csv, Some("other"), Some(&["name"]), &rows), "other\ntrue\n");
        let keys = run(Format::Csv, None, None, &rows);
        assert_eq!(keys.lines().next().unwrap().split(',').count(), 3, "{keys}");
        assert_eq!(run(Format::Csv, None, Some(&["id"]), &[]), "id\n", "a header even with no record");
    }

    #[test]
    fn json_is_one_array_and_ndjson_one_line_each() {
        assert_eq!(run(Format::Json, None, None, &[]), "[]\n");
        let out = run(Format::Json, Some("id"), None, &[json!({"id": 1, "b": 2}), json!({"id": 2})]);
        assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), json!([{"id": 1}, {"id": 2}]));
        let out = run(Format::Ndjson, None, None, &[json!({"id": 1}), json!({"id": 2})]);
        assert_eq!(out, "{\"id\":1}\n{\"id\":2}\n");
    }

    #[test]
    fn a_table_has_the_columns_and_one_line_per_record() {
        let out = run(Format::Table, None, Some(&["id", "summary"]), &[json!({"id": 7, "summary": "two\nlines"})]);
        assert!(out.contains("id") && out.contains("summary") && out.contains("two lines"), "{out}");
        assert_eq!(out.lines().filter(|l| l.contains('7')).count(), 1, "{out}");
    }

    #[test]
    fn an_empty_field_name_is_bad_usage() {
        assert!(matches!(parse_fields("id,,name"), Err(Failure::Usage(m)) if m.contains("--fields")));
    }
}
