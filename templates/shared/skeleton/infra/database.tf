# PostgreSQL (only when var.database is true). The password is generated
# here, stored in Vault at <mount>/<service>/<env>/postgres for the
# ExternalSecret, and never printed; the state is encrypted in the state
# bucket, readable only by the deploy role.

data "aws_db_subnet_group" "platform" {
  count = var.database ? 1 : 0
  name  = "platform-${var.environment}-databases"
}

resource "aws_security_group" "database" {
  count       = var.database ? 1 : 0
  name        = "${var.service}-${var.environment}-postgres"
  description = "PostgreSQL for ${var.service} from the ${var.environment} cluster"
  vpc_id      = data.aws_eks_cluster.this.vpc_config[0].vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "database_from_cluster" {
  count                        = var.database ? 1 : 0
  security_group_id            = aws_security_group.database[0].id
  referenced_security_group_id = data.aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from the cluster's pods"
}

resource "random_password" "database" {
  count   = var.database ? 1 : 0
  length  = 32
  special = false
}

resource "aws_db_instance" "this" {
  count                       = var.database ? 1 : 0
  identifier                  = "${var.service}-${var.environment}"
  engine                      = "postgres"
  engine_version              = "17"
  instance_class              = var.database_instance_class
  allocated_storage           = var.database_allocated_storage_gb
  max_allocated_storage       = var.database_allocated_storage_gb * 4
  storage_encrypted           = true
  db_name                     = replace(var.service, "-", "_")
  username                    = "app"
  password                    = random_password.database[0].result
  db_subnet_group_name        = data.aws_db_subnet_group.platform[0].name
  vpc_security_group_ids      = [aws_security_group.database[0].id]
  multi_az                    = var.database_multi_az
  publicly_accessible         = false
  backup_retention_period     = var.environment == "production" ? 14 : 3
  deletion_protection         = var.environment == "production"
  skip_final_snapshot         = var.environment != "production"
  final_snapshot_identifier   = var.environment == "production" ? "${var.service}-${var.environment}-final" : null
  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = var.environment != "production"
}

resource "vault_kv_secret_v2" "database" {
  count = var.database ? 1 : 0
  mount = var.vault_kv_mount
  name  = "${local.secret_path}/postgres"
  data_json = jsonencode({
    PGHOST     = aws_db_instance.this[0].address
    PGPORT     = tostring(aws_db_instance.this[0].port)
    PGDATABASE = aws_db_instance.this[0].db_name
    PGUSER     = aws_db_instance.this[0].username
    PGPASSWORD = random_password.database[0].result
    PGSSLMODE  = "require"
  })
}
