namespace CrowNest.GraphQL.Types;

/// <summary>
/// Orders a schema's types exactly like graphql-js's <c>GraphQLSchema</c> constructor (<c>collectReferencedTypes</c>), so
/// <c>__schema { types }</c> lists them in the same order: definitions in SDL order with each newly referenced type inserted
/// after its first referrer, then types used by directive arguments, then the introspection types.
/// </summary>
internal static class TypeOrder
{
    public static List<NamedType> Collect(
        IReadOnlyList<NamedType> configTypes,
        ObjectType query,
        ObjectType? mutation,
        ObjectType? subscription,
        IEnumerable<DirectiveDefinition> directives)
    {
        var order = new Dictionary<NamedType, long>(ReferenceEqualityComparer.Instance);
        long next = 0;
        foreach (var type in configTypes)
        {
            order.TryAdd(type, next++);
        }

        void Visit(GraphQLType reference)
        {
            var named = reference.Named;
            if (order.ContainsKey(named))
            {
                return;
            }

            order[named] = next++;
            switch (named)
            {
                case UnionType union:
                    foreach (var member in union.Types)
                    {
                        Visit(member);
                    }

                    break;
                case IComplexOutputType complex:
                    foreach (var iface in complex.Interfaces)
                    {
                        Visit(iface);
                    }

                    foreach (var field in complex.Fields.Values)
                    {
                        Visit(field.Type);
                        foreach (var arg in field.Arguments.Values)
                        {
                            Visit(arg.Type);
                        }
                    }

                    break;
                case InputObjectType input:
                    foreach (var field in input.Fields.Values)
                    {
                        Visit(field.Type);
                    }

                    break;
            }
        }

        foreach (var type in configTypes)
        {
            order.Remove(type);
            Visit(type);
        }

        Visit(query);
        if (mutation is not null)
        {
            Visit(mutation);
        }

        if (subscription is not null)
        {
            Visit(subscription);
        }

        foreach (var directive in directives)
        {
            foreach (var arg in directive.Arguments.Values)
            {
                Visit(arg.Type);
            }
        }

        Visit(Introspection.SchemaType);
        return [.. order.OrderBy(p => p.Value).Select(p => p.Key)];
    }
}
