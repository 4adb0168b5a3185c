using System.Runtime.CompilerServices;

// Execution tests check graphql-js message helpers (inspect, suggestions) directly.
[assembly: InternalsVisibleTo("CrowNest.GraphQL.Tests")]
