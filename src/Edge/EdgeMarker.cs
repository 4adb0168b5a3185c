namespace CrowNest.Edge;

/// <summary>Placeholder until the preview edge lands.</summary>
public static class EdgeMarker;
