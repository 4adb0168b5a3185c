using System.Security.Claims;
using System.Text.Json;
using CrowNest.Platform;
using CrowNest.Platform.Files;
using CrowNest.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrowNest.Server.Files;

/// <summary>
/// REST <c>/api/app-versions/{id}/files</c>: list (<c>?path=</c> directory), create (POST; 409 when the path exists),
/// update (PATCH; 404 when it does not), delete (<c>?path=</c>) and read (<c>/read?path=</c>). Content travels as a
/// JSON string: UTF-8 text by default, or base64 with <c>"encoding":"base64"</c> in a write body and
/// <c>&amp;encoding=base64</c> on a read (needed for files that are not valid UTF-8).
/// </summary>
public static class AppFilesApi
{
    public sealed record FileEntryDto(string Name, string Path, bool IsDirectory, long Size);

    public sealed record FileListDto(IReadOnlyList<FileEntryDto> Data);

    public sealed record FileContentDto(string Content, string ContentType);

    public sealed record SuccessDto(bool Success);

    /// <summary>The documented <c>{path, content}</c> plus optional <c>encoding</c> (<c>utf8</c>|<c>base64</c>) and <c>contentType</c>.</summary>
    public sealed record WriteFileBody
    {
        public string? Path { get; init; }
        public string? Content { get; init; }
        public string? Encoding { get; init; }
        public string? ContentType { get; init; }
    }

    public static IEndpointRouteBuilder MapAppFilesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/app-versions/{id}/files").RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapPatch("/", UpdateAsync);
        group.MapDelete("/", DeleteAsync);
        group.MapGet("/read", ReadAsync);
        return endpoints;
    }

    internal static async Task<Results<Ok<FileListDto>, ApiError>> ListAsync(string id, HttpRequest request, ClaimsPrincipal principal, AppFileService files, CancellationToken ct)
    {
        var (entries, error) = await files.ListAsync(principal.ToCaller(), id, Query(request, "path"), ct);
        return error is null
            ? TypedResults.Ok(new FileListDto([.. entries!.Select(e => new FileEntryDto(e.Name, e.Path, e.IsDirectory, e.Size))]))
            : new ApiError(error);
    }

    internal static async Task<Results<Ok<FileContentDto>, ApiError>> ReadAsync(string id, HttpRequest request, ClaimsPrincipal principal, AppFileService files, CancellationToken ct)
    {
        var encoding = Query(request, "encoding") ?? FileContent.Utf8;
        if (encoding is not (FileContent.Utf8 or FileContent.Base64))
        {
            return Invalid("encoding: expected utf8 or base64");
        }

        var (file, error) = await files.ReadAsync(principal.ToCaller(), id, Query(request, "path"), ct);
        if (error is not null)
        {
            return new ApiError(error);
        }

        var content = encoding == FileContent.Base64 ? Convert.ToBase64String(file!.Content) : FileContent.AsText(file!.Content);
        return content is null
            ? Invalid("the file is not valid UTF-8 text; read it with encoding=base64")
            : TypedResults.Ok(new FileContentDto(content, file.ContentType));
    }

    internal static Task<Results<Created<SuccessDto>, ApiError>> CreateAsync(string id, HttpRequest request, ClaimsPrincipal principal, AppFileService files, CancellationToken ct) =>
        WriteAsync(id, request, principal, files, FileWriteMode.Create, ct, () => TypedResults.Created((string?)null, new SuccessDto(true)));

    internal static Task<Results<Ok<SuccessDto>, ApiError>> UpdateAsync(string id, HttpRequest request, ClaimsPrincipal principal, AppFileService files, CancellationToken ct) =>
        WriteAsync(id, request, principal, files, FileWriteMode.Update, ct, () => TypedResults.Ok(new SuccessDto(true)));

    internal static async Task<Results<Ok<SuccessDto>, ApiError>> DeleteAsync(string id, HttpRequest request, ClaimsPrincipal principal, AppFileService files, CancellationToken ct)
    {
        var (_, error) = await files.DeleteAsync(principal.ToCaller(), id, Query(request, "path"), ct);
        return error is null ? TypedResults.Ok(new SuccessDto(true)) : new ApiError(error);
    }

    private static async Task<Results<TOk, ApiError>> WriteAsync<TOk>(string id, HttpRequest request, ClaimsPrincipal principal, AppFileService files, FileWriteMode mode, CancellationToken ct, Func<TOk> ok)
        where TOk : IResult
    {
        WriteFileBody? body;
        try
        {
            body = await request.ReadFromJsonAsync<WriteFileBody>(ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Invalid("body: expected a JSON object");
        }

        if (body is null)
        {
            return Invalid("body: expected a JSON object");
        }

        var (content, contentError) = FileContent.Decode(body.Content, body.Encoding);
        if (contentError is not null)
        {
            return new ApiError(contentError);
        }

        var (_, error) = await files.WriteAsync(principal.ToCaller(), id, body.Path, content!, body.ContentType, mode, ct);
        return error is null ? ok() : new ApiError(error);
    }

    private static string? Query(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var value) ? value.ToString() : null;

    private static ApiError Invalid(string message) => new(PlatformError.Invalid(message));
}
