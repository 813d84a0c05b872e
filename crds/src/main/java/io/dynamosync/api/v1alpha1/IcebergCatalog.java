package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * Where a DynamoIntegration's collections publish Iceberg tables: one catalog and one warehouse on S3, shared by
 * every collection of the integration that sets {@code spec.iceberg}. The warehouse is written with the
 * integration's AWS credentials.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.type == 'Glue' || has(self.uri)", message = "uri is required for Jdbc and Rest catalogs")
public class IcebergCatalog {

    /** The catalog name recorded in a JDBC catalog's tables unless the spec names another. */
    public static final String DEFAULT_NAME = "dynamosync";

    @Required
    @JsonPropertyDescription("The catalog's kind: Jdbc (Iceberg's JDBC catalog in PostgreSQL or MySQL), Rest (an "
            + "Iceberg REST catalog) or Glue (AWS Glue Data Catalog of the integration's account).")
    private IcebergCatalogType type;

    @JsonPropertyDescription("The catalog's address: a JDBC URL (jdbc:postgresql://host:5432/db) for Jdbc, the "
            + "REST endpoint (https://...) for Rest; not used for Glue.")
    private String uri;

    @Required
    @Pattern(Patterns.ICEBERG_WAREHOUSE)
    @JsonPropertyDescription("S3 location tables are written under, for example s3://analytics-lake/warehouse. The "
            + "integration's identity needs s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket there; "
            + "status.permissionsPolicy includes them once a collection publishes. S3 endpoint and addressing "
            + "follow spec.endpoints.s3 and spec.s3.")
    private String warehouse;

    @Default(DEFAULT_NAME)
    @JsonPropertyDescription("The catalog's name, as a JDBC catalog records it beside each table; engines reading "
            + "the same catalog must use the same name.")
    private String name = DEFAULT_NAME;

    @JsonPropertyDescription("Secret in the integration's namespace holding the catalog's credentials: for Jdbc the "
            + "database user and password (keys username and password unless named otherwise). Optional.")
    private CatalogCredentialsRef credentialsSecretRef;

    public IcebergCatalogType getType() {
        return type;
    }

    public void setType(IcebergCatalogType type) {
        this.type = type;
    }

    public String getUri() {
        return uri;
    }

    public void setUri(String uri) {
        this.uri = uri;
    }

    public String getWarehouse() {
        return warehouse;
    }

    public void setWarehouse(String warehouse) {
        this.warehouse = warehouse;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public CatalogCredentialsRef getCredentialsSecretRef() {
        return credentialsSecretRef;
    }

    public void setCredentialsSecretRef(CatalogCredentialsRef credentialsSecretRef) {
        this.credentialsSecretRef = credentialsSecretRef;
    }

    /** The bucket of {@link #getWarehouse()}. */
    public String warehouseBucket() {
        String rest = warehouse.substring(warehouse.indexOf("://") + 3);
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /** The key prefix of {@link #getWarehouse()} inside its bucket, without slashes at either end; empty for none. */
    public String warehousePrefix() {
        String rest = warehouse.substring(warehouse.indexOf("://") + 3);
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return "";
        }
        String prefix = rest.substring(slash + 1);
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return prefix;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof IcebergCatalog)) {
            return false;
        }
        IcebergCatalog that = (IcebergCatalog) o;
        return type == that.type
                && Objects.equals(uri, that.uri)
                && Objects.equals(warehouse, that.warehouse)
                && Objects.equals(name, that.name)
                && Objects.equals(credentialsSecretRef, that.credentialsSecretRef);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, uri, warehouse, name, credentialsSecretRef);
    }

    @Override
    public String toString() {
        return "IcebergCatalog{type=" + type + ", uri=" + uri + ", warehouse=" + warehouse + ", name=" + name
                + ", credentialsSecretRef=" + credentialsSecretRef + "}";
    }
}
