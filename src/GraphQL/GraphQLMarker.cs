namespace CrowNest.GraphQL;

/// <summary>Placeholder until the engine lands.</summary>
public static class GraphQLMarker;
