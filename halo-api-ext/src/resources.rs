//! The 23 resources integrations expose, each with list / get / upsert /
//! delete: one table, the same facts as spec/resources.toml.

use crate::client::HaloClient;
use crate::error::HaloError;
use crate::list::List;
use halo_api::types;

/// One record or many, for `upsert_*`.
#[derive(Debug, Clone)]
pub struct Records<T>(pub Vec<T>);

impl<T> From<T> for Records<T> {
    fn from(r: T) -> Self {
        Records(vec![r])
    }
}
impl<T> From<Vec<T>> for Records<T> {
    fn from(r: Vec<T>) -> Self {
        Records(r)
    }
}
impl<T, const N: usize> From<[T; N]> for Records<T> {
    fn from(r: [T; N]) -> Self {
        Records(r.into())
    }
}

/// A resource as the table describes it (for the CLI and generic code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    /// `tickets`, `kb_articles`...
    pub name: &'static str,
    /// `/Tickets`...
    pub path: &'static str,
    /// Where a wrapped list keeps its records.
    pub fields: &'static [&'static str],
}

impl HaloClient {
    /// Lists any resource of the table, records as `T` (e.g.
    /// `serde_json::Value`): what the CLI and generic code use.
    pub fn list_resource<T: serde::de::DeserializeOwned + Send + 'static>(&self, r: &'static Resource) -> List<T> {
        List::new(self.clone(), r.path, r.fields, r.name)
    }
}

impl Resource {
    /// By name: `tickets`, `kb_articles` or `kb-articles`.
    pub fn named(name: &str) -> Option<&'static Resource> {
        let n = name.replace('-', "_");
        RESOURCES.iter().find(|r| r.name == n)
    }
}

macro_rules! resources {
    ($( $plural:ident / $one:ident : $path:literal, [$($field:literal),*], $Record:ident, $Item:ident,
        $list:ident, $get:ident, $upsert:ident, $delete:ident; )*) => {
        /// The resources, in the table's order.
        pub const RESOURCES: &[Resource] = &[$(Resource { name: stringify!($plural), path: $path, fields: &[$($field),*] }),*];

        impl HaloClient {$(
            #[doc = concat!("Lists ", stringify!($plural), " (GET ", $path, "), page by page on demand.")]
            pub fn $list(&self) -> List<types::$Item> {
                List::new(self.clone(), $path, &[$($field),*], stringify!($list))
            }

            #[doc = concat!("One ", stringify!($one), " by id (GET ", $path, "/{id}).")]
            pub async fn $get(&self, id: i64) -> Result<types::$Record, HaloError> {
                self.get($path, id, &[], stringify!($get)).await
            }

            #[doc = concat!("Creates or updates ", stringify!($plural), " (POST ", $path, "; an `id` means update): what Halo saved.")]
            pub async fn $upsert(&self, records: impl Into<Records<types::$Record>>) -> Result<Vec<types::$Record>, HaloError> {
                self.upsert($path, &records.into().0, stringify!($upsert)).await
            }

            #[doc = concat!("Deletes one ", stringify!($one), " (DELETE ", $path, "/{id}).")]
            pub async fn $delete(&self, id: i64) -> Result<(), HaloError> {
                self.delete($path, id, stringify!($delete)).await
            }
        )*}
    };
}

resources! {
    actions/action: "/Actions", ["actions"], Actions, Actions, list_actions, get_action, upsert_actions, delete_action;
    agents/agent: "/Agent", ["results", "agents"], Uname, UnameList, list_agents, get_agent, upsert_agents, delete_agent;
    appointments/appointment: "/Appointment", ["appointments"], Appointment, AppointmentList, list_appointments, get_appointment, upsert_appointments, delete_appointment;
    assets/asset: "/Asset", ["assets"], Device, DeviceList, list_assets, get_asset, upsert_assets, delete_asset;
    attachments/attachment: "/Attachment", ["attachments"], Attachment, AttachmentList, list_attachments, get_attachment, upsert_attachments, delete_attachment;
    clients/client: "/Client", ["clients"], Area, AreaList, list_clients, get_client, upsert_clients, delete_client;
    contracts/contract: "/ClientContract", ["contracts"], ContractHeader, ContractHeaderList, list_contracts, get_contract, upsert_contracts, delete_contract;
    invoices/invoice: "/Invoice", ["invoices"], InvoiceHeader, InvoiceHeader, list_invoices, get_invoice, upsert_invoices, delete_invoice;
    items/item: "/Item", ["items"], Item, Item, list_items, get_item, upsert_items, delete_item;
    kb_articles/kb_article: "/KBArticle", ["articles"], KbEntry, KbEntryList, list_kb_articles, get_kb_article, upsert_kb_articles, delete_kb_article;
    opportunities/opportunity: "/Opportunities", ["tickets", "opportunities"], Faults, FaultsList, list_opportunities, get_opportunity, upsert_opportunities, delete_opportunity;
    organisations/organisation: "/Organisation", ["organisations"], Organisation, Organisation, list_organisations, get_organisation, upsert_organisations, delete_organisation;
    projects/project: "/Projects", ["tickets", "projects"], Faults, FaultsList, list_projects, get_project, upsert_projects, delete_project;
    quotes/quote: "/Quotation", ["quotes", "quotations"], QuotationHeader, QuotationHeader, list_quotes, get_quote, upsert_quotes, delete_quote;
    reports/report: "/Report", ["reports"], AnalyzerProfile, AnalyzerProfileList, list_reports, get_report, upsert_reports, delete_report;
    sites/site: "/Site", ["sites"], Site, SiteList, list_sites, get_site, upsert_sites, delete_site;
    statuses/status: "/Status", [], TStatus, TStatus, list_statuses, get_status, upsert_statuses, delete_status;
    suppliers/supplier: "/Supplier", ["suppliers"], Company, Company, list_suppliers, get_supplier, upsert_suppliers, delete_supplier;
    teams/team: "/Team", ["teams"], SectionDetail, SectionDetailList, list_teams, get_team, upsert_teams, delete_team;
    tickets/ticket: "/Tickets", ["tickets"], Faults, FaultsList, list_tickets, get_ticket, upsert_tickets, delete_ticket;
    users/user: "/Users", ["users"], Users, UsersList, list_users, get_user, upsert_users, delete_user;
    top_levels/top_level: "/TopLevel", ["tree", "toplevels"], Tree, TreeList, list_top_levels, get_top_level, upsert_top_levels, delete_top_level;
    ticket_types/ticket_type: "/TicketType", [], RequestType, RequestTypeList, list_ticket_types, get_ticket_type, upsert_ticket_types, delete_ticket_type;
}
