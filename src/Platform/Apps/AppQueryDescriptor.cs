using CrowNest.Platform.Data;
using CrowNest.Platform.Querying;

namespace CrowNest.Platform.Apps;

/// <summary>Filterable/sortable fields of apps (public camelCase names); default order newest first.</summary>
public static class AppQueryDescriptor
{
    public static QueryDescriptor<App> Instance { get; } = new(
        "App",
        [
            QueryDescriptor<App>.Field("id", a => a.Id, FieldKind.String, false),
            QueryDescriptor<App>.Field("workspaceId", a => a.WorkspaceId, FieldKind.String, false),
            QueryDescriptor<App>.Field("name", a => a.Name, FieldKind.String, false),
            QueryDescriptor<App>.Field("description", a => a.Description, FieldKind.String, true),
            QueryDescriptor<App>.Field("handle", a => a.Handle, FieldKind.String, false),
            QueryDescriptor<App>.Field("defaultVersionId", a => a.DefaultVersionId, FieldKind.String, true),
            QueryDescriptor<App>.Field("status", a => a.Status, FieldKind.Enum, false, AppStatuses.Draft, AppStatuses.Live),
            QueryDescriptor<App>.Field("publicAccess", a => a.PublicAccess, FieldKind.Boolean, false),
            QueryDescriptor<App>.Field("pagesProjectId", a => a.PagesProjectId, FieldKind.String, true),
            QueryDescriptor<App>.Field("apiKeyId", a => a.ApiKeyId, FieldKind.String, true),
            QueryDescriptor<App>.Field("createdBy", a => a.CreatedBy, FieldKind.String, true),
            QueryDescriptor<App>.Field("deletedAt", a => a.DeletedAt, FieldKind.Timestamp, true),
            QueryDescriptor<App>.Field("retentionTier", a => a.RetentionTier, FieldKind.String, true),
            QueryDescriptor<App>.Field("createdAt", a => a.CreatedAt, FieldKind.Timestamp, false),
            QueryDescriptor<App>.Field("updatedAt", a => a.UpdatedAt, FieldKind.Timestamp, false),
        ],
        "id",
        [("createdAt", OrderDirection.Desc)]);
}
