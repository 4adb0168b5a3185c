using CrowNest.GraphQL.Types;
using CrowNest.Platform;
using CrowNest.Platform.Data;
using CrowNest.Platform.Files;

namespace CrowNest.Schema.Resolvers;

/// <summary>How a file's content is carried in GraphQL.</summary>
internal enum FileEncoding
{
    Utf8,
    Base64,
}

/// <summary>The GraphQL <c>AppFile</c>: the stored file with its content encoded as asked.</summary>
internal sealed record AppFileNode(
    string Path,
    string Name,
    string ContentType,
    int Size,
    string Sha256,
    FileEncoding Encoding,
    string Content,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static AppFileNode From(AppFile file, FileEncoding? encoding)
    {
        var text = encoding == FileEncoding.Base64 ? null : FileContent.AsText(file.Content);
        if (encoding == FileEncoding.Utf8 && text is null)
        {
            throw ErrorHelper.From(PlatformError.Invalid("the file is not valid UTF-8 text; ask for encoding BASE64"));
        }

        return new AppFileNode(file.Path, FilePaths.Name(file.Path), file.ContentType, (int)Math.Min(file.Size, int.MaxValue), Convert.ToHexStringLower(file.Sha256),
            text is null ? FileEncoding.Base64 : FileEncoding.Utf8, text ?? Convert.ToBase64String(file.Content), file.CreatedAt, file.UpdatedAt);
    }
}

internal sealed record WriteAppFileInput(string VersionId, string Path, string Content, FileEncoding? Encoding, string? ContentType);

internal sealed record DeleteAppFileInput(string VersionId, string Path);

/// <summary><c>AppVersion</c> (Node <c>appver_</c>), its files, <c>App.versions</c> and the file mutations, through <see cref="AppFileService"/> like REST.</summary>
internal static class FileResolvers
{
    public static void Register(SchemaBuilder builder, NodeRegistry nodes)
    {
        builder.BindObject<AppVersion>("AppVersion");
        builder.BindObject<FileEntry>("AppFileEntry");
        builder.BindObject<AppFileNode>("AppFile");
        builder.BindEnum<FileEncoding>("FileEncoding");
        builder.BindInputObject<WriteAppFileInput>("WriteAppFileInput");
        builder.BindInputObject<DeleteAppFileInput>("DeleteAppFileInput");

        nodes.Add(PrefixedId.AppVersion, async (ctx, id, ct) =>
        {
            var (version, error) = await ctx.Scoped<AppFileService>().RunAsync(files => files.GetVersionAsync(ctx.Caller(), id, ct));
            return error is null ? version! : error;
        });
        builder.AddResolver("Query.appVersion", async ctx =>
        {
            var (version, error) = await ctx.Scoped<AppFileService>().RunAsync(files => files.GetVersionAsync(ctx.Caller(), (string)ctx.Arguments["id"]!, ctx.CancellationToken));
            return error switch
            {
                null => version,
                { Kind: ErrorKind.NotFound } => null,
                _ => throw ErrorHelper.From(error),
            };
        });

        builder.AddResolver("AppFileEntry.size", ctx => (int)Math.Min(((FileEntry)ctx.Parent!).Size, int.MaxValue));
        builder.AddResolver("AppVersion.files", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<AppFileService>().RunAsync(files => files.ListAsync(ctx.Caller(), ((AppVersion)ctx.Parent!).Id, (string?)ctx.Arguments.GetValueOrDefault("path"), ctx.CancellationToken))));
        builder.AddResolver("AppVersion.file", async ctx =>
        {
            var (file, error) = await ctx.Scoped<AppFileService>().RunAsync(files => files.ReadAsync(ctx.Caller(), ((AppVersion)ctx.Parent!).Id, (string?)ctx.Arguments.GetValueOrDefault("path"), ctx.CancellationToken));
            return error switch
            {
                null => AppFileNode.From(file!, (FileEncoding?)ctx.Arguments.GetValueOrDefault("encoding")),
                { Kind: ErrorKind.NotFound } => null,
                _ => throw ErrorHelper.From(error),
            };
        });

        builder.AddResolver("App.versions", async ctx =>
            await ctx.Scoped<AppFileService>().RunAsync(files => files.VersionsOfAsync(((App)ctx.Parent!).Id, ctx.CancellationToken)));
        builder.AddResolver("App.defaultVersion", async ctx =>
        {
            var app = (App)ctx.Parent!;
            if (app.DefaultVersionId is null)
            {
                return null;
            }

            var (version, error) = await ctx.Scoped<AppFileService>().RunAsync(files => files.GetVersionAsync(ctx.Caller(), app.DefaultVersionId, ctx.CancellationToken));
            return error is null ? version : null;
        });

        builder.AddResolver("Mutation.writeAppFile", async ctx =>
        {
            var input = (WriteAppFileInput)ctx.Arguments["input"]!;
            var content = ErrorHelper.Unwrap(FileContent.Decode(input.Content, input.Encoding == FileEncoding.Base64 ? FileContent.Base64 : FileContent.Utf8));
            var file = ErrorHelper.Unwrap(await ctx.Scoped<AppFileService>().RunAsync(files => files.WriteAsync(
                ctx.Caller(), input.VersionId, input.Path, content, input.ContentType, FileWriteMode.Upsert, ctx.CancellationToken)));
            return AppFileNode.From(file, null);
        });
        builder.AddResolver("Mutation.deleteAppFile", async ctx =>
        {
            var input = (DeleteAppFileInput)ctx.Arguments["input"]!;
            return ErrorHelper.Unwrap(await ctx.Scoped<AppFileService>().RunAsync(files => files.DeleteAsync(ctx.Caller(), input.VersionId, input.Path, ctx.CancellationToken)));
        });
    }
}
