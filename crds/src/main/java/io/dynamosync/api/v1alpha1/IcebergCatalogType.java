package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The kind of Iceberg catalog collections publish their tables to. */
public enum IcebergCatalogType {
    /** Iceberg's JDBC catalog: two tables in a relational database (PostgreSQL, MySQL) reached at a JDBC URL. */
    @JsonProperty("Jdbc")
    JDBC,
    /** An Iceberg REST catalog (AWS S3 Tables, Polaris, Nessie, Lakekeeper and others). */
    @JsonProperty("Rest")
    REST,
    /** AWS Glue Data Catalog of the integration's account, reached with the integration's credentials. */
    @JsonProperty("Glue")
    GLUE
}
