//! Bulk client creation from a CSV file with a header row: `name` (needed)
//! and `website` (optional). A row that does not parse is reported with
//! its line number and the other rows still go, 50 clients a request.
//!
//! ```text
//! cargo run -p halo-examples --example bulk_clients_from_csv -- clients.csv
//! ```

use halo_api_ext::{Client, HaloClient, HaloConfig, HaloError};

#[derive(Debug, serde::Deserialize)]
struct Row {
    name: String,
    #[serde(default)]
    website: Option<String>,
}

/// What was created, and each row that was not, by line number.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub created: Vec<i64>,
    pub rejected: Vec<(u64, String)>,
}

pub const BATCH: usize = 50;

pub async fn run(halo: &HaloClient, csv: impl std::io::Read) -> Result<Report, HaloError> {
    let mut report = Report::default();
    let mut clients = Vec::new();
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(csv);
    let headers = reader.headers().map_err(|e| HaloError::InvalidRequest(format!("CSV header row: {e}")))?.clone();
    for record in reader.records() {
        let parsed = record.and_then(|r| {
            let line = r.position().map_or(0, |p| p.line());
            r.deserialize::<Row>(Some(&headers)).map(|row| (line, row))
        });
        match parsed {
            Ok((line, r)) if r.name.is_empty() => report.rejected.push((line, "no name".into())),
            Ok((_, r)) => clients.push(Client {
                name: Some(r.name),
                website: r.website.filter(|w| !w.is_empty()),
                ..Default::default()
            }),
            Err(e) => report.rejected.push((e.position().map_or(0, |p| p.line()), e.to_string())),
        }
    }
    for batch in clients.chunks(BATCH) {
        let saved = halo.upsert_clients(batch.to_vec()).await?;
        report.created.extend(saved.iter().filter_map(|c| c.id).map(i64::from));
    }
    Ok(report)
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: bulk_clients_from_csv FILE.csv")?;
    let halo = HaloClient::new(HaloConfig::from_env_or_profile()?)?;
    let report = run(&halo, std::fs::File::open(&path)?).await?;
    for (line, why) in &report.rejected {
        eprintln!("{path}:{line}: not created: {why}");
    }
    println!("created {} clients", report.created.len());
    Ok(())
}
