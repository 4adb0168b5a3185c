namespace CrowNest.Server.Postgres;

/// <summary>Where and how the platform-owned PostgreSQL cluster runs (config section <c>Postgres</c>).</summary>
public sealed record EmbeddedPostgresOptions
{
    public const string Section = "Postgres";

    /// <summary>Cluster directory; relative paths resolve against the working directory.</summary>
    public string DataDir { get; init; } = ".crownest/pg";

    /// <summary>TCP port on 127.0.0.1; 0 picks a free port at start.</summary>
    public int Port { get; init; } = 55432;

    /// <summary>Directory holding initdb/pg_ctl/postgres; empty means search /usr/lib/postgresql/*/bin and PATH.</summary>
    public string? BinDir { get; init; }

    /// <summary>Superuser created by initdb; the cluster trusts connections on 127.0.0.1 only.</summary>
    public string User { get; init; } = "crownest";

    /// <summary>Database the platform uses inside the cluster (created on first start).</summary>
    public string Database { get; init; } = "crownest";

    /// <summary>
    /// False trades crash safety for speed (fsync off): right for throw-away test clusters, wrong for dev data.
    /// </summary>
    public bool Durable { get; init; } = true;
}
