using System.Reflection;
using CrowNest.Platform;
using CrowNest.Server.Auth;
using Microsoft.AspNetCore.Http.Metadata;

namespace CrowNest.Server.Http;

/// <summary>
/// A <see cref="PlatformError"/> as a REST response: its status and <c>{"error":{"code","message"}}</c>. One result
/// type for every error lets endpoints return <c>Results&lt;Ok&lt;T&gt;, ApiError&gt;</c>.
/// </summary>
public sealed class ApiError(PlatformError error) : IResult, IStatusCodeHttpResult, IValueHttpResult<ErrorBody>, IEndpointMetadataProvider
{
    public PlatformError Error { get; } = error;

    public int? StatusCode => Error.Status;

    public ErrorBody Value => new(new ErrorDetail(Error.Code, Error.Message));

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = Error.Status;
        return httpContext.Response.WriteAsJsonAsync(Value);
    }

    public static implicit operator ApiError(PlatformError error) => new(error);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(ErrorBody), ["application/json"]));
}
