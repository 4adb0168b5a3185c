using CrowNest.Server.EdgeNode;
using CrowNest.Server.Hosting;

if (args is ["postgres", ..])
{
    return await PostgresCommand.RunAsync(args[1..]);
}

if (args is ["edge", ..])
{
    return await EdgeNodeCommand.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(CrowNestConfiguration.BuilderOptions(args));
builder.AddCrowNestHosting(args);
builder.Services.AddCrowNestPlatform(builder.Configuration);

var app = builder.Build();
app.UseCrowNestEdge();
app.UseCrowNestHttpContext();
app.UseAuthentication();
app.UseAuthorization();
app.MapCrowNestHealth();
app.MapCrowNestApi();
return await app.RunCrowNestAsync();

/// <summary>Entry point marker for <c>WebApplicationFactory</c>.</summary>
public partial class Program;
