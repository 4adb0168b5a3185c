using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrowNest.Server.Hosting;

/// <summary>
/// The server's <see cref="IHttpContextAccessor"/>: it sees the current request for API requests only, set by
/// <see cref="ApiHttpContextExtensions.UseCrowNestHttpContext"/> right behind the preview edge. ASP.NET Core's own
/// accessor is set by the hosting layer for every request, the edge's included, where nothing reads it: that
/// AsyncLocal write and the context it carries through every await cost ~0.5 KB and some CPU per proxied request
/// (bench/edge/run.sh). Sets from the hosting layer are therefore ignored.
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
            // Only the end-of-request clear is honoured (as ASP.NET Core's accessor does it): contexts captured by work
            // that outlives the request must not keep seeing it.
            if (value is null && Current.Value is { } holder)
            {
                holder.Context = null;
            }
        }
    }

    internal static async Task RunAsync(HttpContext context, RequestDelegate next)
    {
        var holder = new Holder { Context = context };
        Current.Value = holder;
        try
        {
            await next(context);
        }
        finally
        {
            // Work started by the request (WebSocket operations, fire-and-forget tasks) keeps the execution context;
            // clearing the shared holder ends the request for all of them, like ASP.NET Core's accessor.
            holder.Context = null;
        }
    }

    private sealed class Holder
    {
        public HttpContext? Context { get; set; }
    }
}

public static class ApiHttpContextExtensions
{
    /// <summary>Registers <see cref="ApiHttpContextAccessor"/> as the <see cref="IHttpContextAccessor"/> (wins over AddHttpContextAccessor).</summary>
    public static IServiceCollection AddCrowNestHttpContextAccessor(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<IHttpContextAccessor, ApiHttpContextAccessor>());
        return services;
    }

    /// <summary>Sets the accessor for every request that reaches this point: call right after <c>UseCrowNestEdge()</c>.</summary>
    public static IApplicationBuilder UseCrowNestHttpContext(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetService<IHttpContextAccessor>() is ApiHttpContextAccessor)
        {
            app.Use(ApiHttpContextAccessor.RunAsync);
        }

        return app;
    }
}
