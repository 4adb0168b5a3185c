using Microsoft.Extensions.Options;

namespace CrowNest.Edge;

/// <summary>Refuses <see cref="EdgeOptions"/> whose <see cref="EdgeOptions.Validate"/> reports problems.</summary>
internal sealed class EdgeOptionsValidator : IValidateOptions<EdgeOptions>
{
    public ValidateOptionsResult Validate(string? name, EdgeOptions options) =>
        options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;

    /// <summary>For options built in code (<see cref="EdgeBuilder.UseOptions"/>), which bypass the options factory.</summary>
    public static EdgeOptions ThrowIfInvalid(EdgeOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? options : throw new OptionsValidationException(Options.DefaultName, typeof(EdgeOptions), problems);
    }
}
