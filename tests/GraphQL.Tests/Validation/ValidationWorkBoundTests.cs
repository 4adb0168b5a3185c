using System.Text;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Validation;

namespace CrowNest.GraphQL.Tests.Validation;

/// <summary>
/// Validation work stays bounded on documents built to make naive implementations exponential or quadratic
/// (OverlappingFieldsCanBeMerged, fragment cycles, variable usages through fragments) and on random documents.
/// </summary>
public sealed class ValidationWorkBoundTests
{
    private static readonly GraphQL.Types.Schema Harness = GraphQLJsCases.GetSchema("harness");

    [Fact]
    public void FragmentsSpreadTwiceAtEveryLevelAreNotExponential()
    {
        // Expanding the spreads would visit 2^30 fields.
        var sb = new StringBuilder("query Q($v: Boolean!) { dog { ...F0 ...F0 } }\n");
        for (var i = 0; i < 30; i++)
        {
            sb.Append($"fragment F{i} on Dog {{ name barks @include(if: $v) mother {{ name }} ...F{i + 1} ...F{i + 1} }}\n");
        }

        sb.Append("fragment F30 on Dog { name }\n");
        var result = DocumentValidator.Run(Harness, Parser.Parse(sb.ToString()));
        Assert.Empty(result.Errors);
        Assert.InRange(result.WorkUnits, 1, 20_000);
    }

    [Fact]
    public void ConflictsBetweenManySpreadFragmentsAreComparedOncePerPair()
    {
        var sb = new StringBuilder("{ dog { ");
        for (var i = 0; i < 40; i++)
        {
            sb.Append($"...F{i} ");
        }

        sb.Append("} }\n");
        for (var i = 0; i < 40; i++)
        {
            sb.Append($"fragment F{i} on Dog {{ name nickname barkVolume mother {{ name father {{ name }} }} x{i % 2}: name }}\n");
        }

        var result = DocumentValidator.Run(Harness, Parser.Parse(sb.ToString()));
        Assert.False(result.Aborted);
        Assert.Empty(result.Errors);
        Assert.InRange(result.WorkUnits, 1, 200_000);
    }

    [Fact]
    public void DifferingDeepSelectionsReportOneConflictPerPair()
    {
        var depth = 60;
        var a = new StringBuilder();
        var b = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            a.Append("mother { ");
            b.Append("mother { ");
        }

        a.Append("name");
        b.Append("name: nickname");
        a.Append(new string('}', depth));
        b.Append(new string('}', depth));
        var result = DocumentValidator.Run(Harness, Parser.Parse($"{{ dog {{ {a} }} dog {{ {b} }} }}"));
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Fields \"dog\" conflict because subfields \"mother\" conflict because", error.Message, StringComparison.Ordinal);

        // graphql-js caps the locations of a nested conflict at 20 per side.
        Assert.Equal(40, error.Locations!.Count);
        Assert.InRange(result.WorkUnits, 1, 20_000);
    }

    [Fact]
    public void HugeNumbersOfIdenticalFieldsAbortInsteadOfRunningQuadratically()
    {
        // graphql-js meters OverlappingFieldsCanBeMerged with a complexity budget and aborts with "Validation aborted.".
        var query = "{ dog { " + string.Concat(Enumerable.Repeat("name ", 1200)) + "} }";
        var result = DocumentValidator.Run(Harness, Parser.Parse(query));
        Assert.True(result.Aborted);
        Assert.Equal("Validation aborted.", Assert.Single(result.Errors).Message);
        Assert.InRange(result.WorkUnits, 1, 600_000);
    }

    [Fact]
    public void FragmentCyclesAreReportedWithoutLooping()
    {
        var sb = new StringBuilder("{ dog { ...F0 } }\n");
        for (var i = 0; i < 200; i++)
        {
            sb.Append($"fragment F{i} on Dog {{ name ...F{(i + 1) % 200} ...F{(i * 7) % 200} }}\n");
        }

        var result = DocumentValidator.Run(Harness, Parser.Parse(sb.ToString()));
        Assert.NotEmpty(result.Errors);
        Assert.All(result.Errors, e => Assert.True(e.Locations is not null || e.Message.StartsWith("Too many", StringComparison.Ordinal)));
        Assert.InRange(result.WorkUnits, 1, 600_000);
    }

    [Fact]
    public void RandomDocumentsValidateWithBoundedWork()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 300; i++)
        {
            var query = RandomDocument(random);
            DocumentNode document;
            try
            {
                document = Parser.Parse(query);
            }
            catch (GraphQLSyntaxException)
            {
                continue;
            }

            var result = DocumentValidator.Run(Harness, document);
            Assert.InRange(result.WorkUnits, 1, 600_000 + (100L * query.Length));
            foreach (var error in result.Errors)
            {
                Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
                if (!error.Message.Contains("aborted", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.NotNull(error.Locations);
                }
            }
        }
    }

    private static readonly string[] Fields =
    [
        "name", "nickname", "barkVolume", "barks", "mother", "father", "pets", "relatives", "dog", "cat", "human",
        "catOrDog", "pet", "meows", "__typename", "unknown", "doesKnowCommand", "isAtLocation", "complicatedArgs",
        "complexArgField", "oneOfArgField", "intArgField",
    ];

    private static readonly string[] TypeNames = ["Dog", "Cat", "Pet", "CatOrDog", "Human", "Mammal", "Canine", "QueryRoot", "Unknown", "String"];

    private static readonly string[] Values =
    [
        "1", "1.5", "\"s\"", "true", "null", "SIT", "[1, 2]", "{ requiredField: true }", "{ intField: 1, stringField: \"x\" }",
        "$a", "$b", "[$a]", "{ stringField: $a }",
    ];

    private static string RandomDocument(Random random)
    {
        var fragmentCount = random.Next(0, 6);
        var sb = new StringBuilder();
        sb.Append("query Q($a: String, $b: Int!) ");
        AppendSelectionSet(sb, random, 0, fragmentCount);
        for (var f = 0; f < fragmentCount; f++)
        {
            sb.Append($"\nfragment F{f} on {TypeNames[random.Next(TypeNames.Length)]} ");
            AppendSelectionSet(sb, random, 1, fragmentCount);
        }

        return sb.ToString();
    }

    private static void AppendSelectionSet(StringBuilder sb, Random random, int depth, int fragmentCount)
    {
        sb.Append("{ ");
        var count = random.Next(1, depth > 3 ? 2 : 5);
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(10);
            if (roll < 2 && fragmentCount > 0)
            {
                sb.Append($"...F{random.Next(fragmentCount)} ");
                continue;
            }

            if (roll < 3)
            {
                sb.Append($"... on {TypeNames[random.Next(TypeNames.Length)]} ");
                AppendSelectionSet(sb, random, depth + 1, fragmentCount);
                continue;
            }

            if (random.Next(3) == 0)
            {
                sb.Append(random.Next(2) == 0 ? "x: " : "y: ");
            }

            sb.Append(Fields[random.Next(Fields.Length)]);
            if (random.Next(4) == 0)
            {
                var arg = random.Next(4) switch
                {
                    0 => "dogCommand",
                    1 => "x",
                    2 => "complexArg",
                    _ => "oneOfArg",
                };
                sb.Append($"({arg}: {Values[random.Next(Values.Length)]})");
            }

            if (random.Next(6) == 0)
            {
                sb.Append(random.Next(2) == 0 ? " @include(if: $b)" : " @skip(if: true)");
            }

            sb.Append(' ');
            if (depth < 5 && random.Next(2) == 0)
            {
                AppendSelectionSet(sb, random, depth + 1, fragmentCount);
            }
        }

        sb.Append("} ");
    }
}
