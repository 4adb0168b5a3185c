using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrowNest.Server.Hosting;

/// <summary>
/// The server's HttpContext accessor (for <c>ClaimsCallerAccessor</c>): it sees the current request for API
/// requests only, set by <see cref="ApiHttpContextExtensions.UseCrowNestHttpContext"/> right behind the preview edge.
/// Deliberately NOT registered as <see cref="IHttpContextAccessor"/>: when one is, ASP.NET Core's hosting layer sets it
/// on every request (the edge's included, where nothing reads it) and stops reusing each connection's HttpContext,
/// allocating a fresh one per request: ~0.5 KB and some CPU on every proxied request (bench/edge/run.sh).
/// </summary>
public sealed class ApiHttpContextAccessor : IHttpContextAccessor
{
    private static readonly AsyncLocal<Holder?> Current = new();

    /// <inheritdoc />
    public HttpContext? HttpContext
    {
        get => Current.Value?.Context;
        set
        {
            // As ASP.NET Core's accessor: clearing ends the request for every execution context that captured it
            // (WebSocket operations, fire-and-forget work), not only this one.
            if (Current.Value is { } holder)
            {
                holder.Context = null;
            }

            if (value is not null)
            {
                Current.Value = new Holder { Context = value };
            }
        }
    }

    internal async Task RunAsync(HttpContext context, RequestDelegate next)
    {
        HttpContext = context;
        try
        {
            await next(context);
        }
        finally
        {
            HttpContext = null;
        }
    }

    private sealed class Holder
    {
        public HttpContext? Context { get; set; }
    }
}

public static class ApiHttpContextExtensions
{
    /// <summary>Registers <see cref="ApiHttpContextAccessor"/> (as itself only; see there why not as IHttpContextAccessor).</summary>
    public static IServiceCollection AddCrowNestHttpContextAccessor(this IServiceCollection services)
    {
        services.TryAddSingleton<ApiHttpContextAccessor>();
        return services;
    }

    /// <summary>Sets the accessor for every request that reaches this point: call right after <c>UseCrowNestEdge()</c>.</summary>
    public static IApplicationBuilder UseCrowNestHttpContext(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetService<ApiHttpContextAccessor>() is { } accessor)
        {
            app.Use(accessor.RunAsync);
        }

        return app;
    }
}
