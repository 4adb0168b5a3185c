namespace CrowNest.Schema;

/// <summary>Placeholder until the CrowNest schema lands.</summary>
public static class SchemaMarker;
