// The built-in sample database (users and projects, as in the reference deployment's embedded
// SQLite). Rows are fixed literals so every start yields byte-identical data, and tests can
// assert on them.

export const SAMPLE_SCHEMA = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'engineer', 'analyst', 'manager')),
  department TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  owner_id INTEGER NOT NULL REFERENCES users(id),
  status TEXT NOT NULL CHECK (status IN ('planned', 'active', 'on_hold', 'completed')),
  budget REAL,
  started_on TEXT,
  description TEXT
);
CREATE INDEX projects_owner ON projects(owner_id);
CREATE INDEX projects_status ON projects(status);
`;

type UserRow = [id: number, name: string, email: string, role: string, department: string, active: number, createdAt: string];
type ProjectRow = [id: number, name: string, ownerId: number, status: string, budget: number | null, startedOn: string | null, description: string];

export const SAMPLE_USERS: readonly UserRow[] = [
  [1, 'Alice Johnson', 'alice@example.com', 'admin', 'Platform', 1, '2023-01-09T09:00:00Z'],
  [2, 'Bob Smith', 'bob@example.com', 'engineer', 'Platform', 1, '2023-02-14T10:30:00Z'],
  [3, 'Carol Diaz', 'carol@example.com', 'engineer', 'Data', 1, '2023-03-01T08:15:00Z'],
  [4, 'Dan Okafor', 'dan@example.com', 'analyst', 'Data', 1, '2023-04-18T13:45:00Z'],
  [5, 'Eve Müller', 'eve@example.com', 'manager', 'Product', 1, '2023-05-22T11:00:00Z'],
  [6, 'Frank Li', 'frank@example.com', 'engineer', 'Security', 0, '2023-06-30T16:20:00Z'],
  [7, 'Grace Kim', 'grace@example.com', 'analyst', 'Product', 1, '2023-08-07T09:40:00Z'],
  [8, 'Hiro Tanaka', 'hiro@example.com', 'engineer', 'Data', 1, '2023-09-12T07:55:00Z'],
  [9, 'Ines Costa', 'ines@example.com', 'manager', 'Platform', 1, '2023-11-03T15:05:00Z'],
  [10, 'Jon Park', 'jon@example.com', 'engineer', 'Security', 1, '2024-01-15T12:00:00Z'],
];

export const SAMPLE_PROJECTS: readonly ProjectRow[] = [
  [1, 'Kubernetes migration', 1, 'active', 250000, '2024-01-08', 'Move the remaining VM workloads onto EKS.'],
  [2, 'Data lake', 3, 'active', 180000, '2024-02-01', 'Consolidate analytics data into S3 with a shared catalog.'],
  [3, 'MCP gateway', 2, 'planned', 90000, null, 'Expose internal tools to assistants through MCP servers.'],
  [4, 'Customer dashboard', 5, 'completed', 60000, '2023-06-05', 'Self-service usage dashboard for customers.'],
  [5, 'Zero trust network', 10, 'on_hold', 120000, '2023-10-16', 'Identity-aware access for every internal service.'],
  [6, 'Churn model', 4, 'active', 45000, '2024-03-11', 'Predict account churn from product usage.'],
  [7, 'Design system', 7, 'completed', 30000, '2023-04-03', 'Shared UI components for all product surfaces.'],
  [8, 'Cost explorer', 9, 'planned', null, null, 'Per-team cloud cost reporting.'],
];

/** Creates and fills the sample tables; run before the read-only guard is installed. */
export function seedSampleDatabase(db: { exec(sql: string): void; prepare(sql: string): { run(...values: (string | number | null)[]): unknown } }): void {
  db.exec(SAMPLE_SCHEMA);
  const insertUser = db.prepare('INSERT INTO users (id, name, email, role, department, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const row of SAMPLE_USERS) insertUser.run(...row);
  const insertProject = db.prepare(
    'INSERT INTO projects (id, name, owner_id, status, budget, started_on, description) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const row of SAMPLE_PROJECTS) insertProject.run(...row);
}
