using CrowNest.Platform.Data;
using CrowNest.Platform.Querying;

namespace CrowNest.Platform.Apps;

/// <summary>Filterable/sortable fields of apps (public camelCase names); default order newest first.</summary>
public static class AppQueryDescriptor
{
    /// <summary>Workspaces as the target of the apps' to-one <c>workspace</c> relation (<c>WorkspaceFilter</c>).</summary>
    public static QueryDescriptor<Workspace> Workspace { get; } = new(
        "Workspace",
        [
            QueryDescriptor<Workspace>.Field("id", w => w.Id, FieldKind.String, false),
            QueryDescriptor<Workspace>.Field("organizationId", w => w.OrganizationId, FieldKind.String, false),
            QueryDescriptor<Workspace>.Field("slug", w => w.Slug, FieldKind.String, false),
            QueryDescriptor<Workspace>.Field("name", w => w.Name, FieldKind.String, false),
            QueryDescriptor<Workspace>.Field("createdAt", w => w.CreatedAt, FieldKind.Timestamp, false),
            QueryDescriptor<Workspace>.Field("updatedAt", w => w.UpdatedAt, FieldKind.Timestamp, false),
        ],
        "id",
        [("createdAt", OrderDirection.Desc)]);

    /// <summary>App versions as the target of the apps' to-many <c>versions</c> relation (<c>AppVersionFilter</c>).</summary>
    public static QueryDescriptor<AppVersion> Version { get; } = new(
        "AppVersion",
        [
            QueryDescriptor<AppVersion>.Field("id", v => v.Id, FieldKind.String, false),
            QueryDescriptor<AppVersion>.Field("appId", v => v.AppId, FieldKind.String, false),
            QueryDescriptor<AppVersion>.Field("number", v => v.Number, FieldKind.Integer, false),
            QueryDescriptor<AppVersion>.Field("createdBy", v => v.CreatedBy, FieldKind.String, true),
            QueryDescriptor<AppVersion>.Field("createdAt", v => v.CreatedAt, FieldKind.Timestamp, false),
        ],
        "id",
        [("createdAt", OrderDirection.Desc)]);

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
        [("createdAt", OrderDirection.Desc)],
        [
            QueryDescriptor<App>.One("workspace", Workspace, (a, w) => w.Id == a.WorkspaceId, required: true),
            QueryDescriptor<App>.Many("versions", Version, (a, v) => v.AppId == a.Id),
        ]);
}
