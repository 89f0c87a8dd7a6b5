// 导入政策文件, as a wizard: upload the workbook; see the dry run — every row with its title and
// its deadline as the system reads it, the departments not known yet (each created with the import
// when ticked), a repeat of an earlier import to confirm; import; then 交办 every measure.
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, DatePicker, Descriptions, Flex, Form, Input, Result, Space, Steps, Table, Tag, Typography, Upload } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { newIdempotencyKey } from '../../api/client';
import { imports, policies } from '../../api/endpoints';
import type { DispatchAllResult, ExcelImportQuery, ImportResult } from '../../api/types';
import { formatDay } from '../../format/date';

type Row = NonNullable<ImportResult['preview']>[number];
type Meta = Pick<ExcelImportQuery, 'title' | 'code' | 'issuer' | 'issuedOn'>;

const MAX_MB = 10;

/** The API's message in the words of this page: the choices it names are the page's checkboxes and fields. */
function plain(message: string): string {
  return message
    .split(' / ')[0]!
    .replace(/（createUnknownDepartments=true[^）]*）/g, '（勾选上表的“随导入新建”）')
    .replace(/请加参数 confirmRepeat=true/g, '请勾选“确需再导入一份”')
    .replace(/或以参数 title 给出文件标题/g, '或返回上一步填写文件标题');
}

/** The dry run's options for what the office chose so far. */
function choices(meta: Meta, create: string[], confirmRepeat: boolean): ExcelImportQuery {
  const query: ExcelImportQuery = { ...meta, ...(confirmRepeat ? { confirmRepeat: 'true' } : {}), ...(create.length ? { createDepartments: create.join('、') } : {}) };
  for (const k of Object.keys(query) as Array<keyof ExcelImportQuery>) if (query[k] === undefined || query[k] === '') delete query[k];
  return query;
}

const deptTag = (d: { name: string; id: string | null }) => (d.id ? <span key={d.name}>{d.name}</span> : <Tag key={d.name} color="orange">{d.name}（新）</Tag>);

const previewColumns = [
  { title: '行', dataIndex: 'row', width: 56 },
  { title: '序号', dataIndex: 'seq', width: 60 },
  {
    title: '措施名称',
    key: 'title',
    render: (_: unknown, r: Row) => (
      <>
        {r.title}
        {r.area && (
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.area}
            </Typography.Text>
          </div>
        )}
      </>
    ),
  },
  {
    title: '完成时限（原文 → 读作）',
    key: 'deadline',
    width: 220,
    render: (_: unknown, r: Row) => (
      <>
        {r.deadline.text}
        <div>
          <Typography.Text type={r.deadline.passed ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
            → {r.deadline.date ? formatDay(r.deadline.date) : r.deadline.description}
            {r.deadline.kind === 'yearly' && '（每年）'}
            {r.deadline.passed && '（已过）'}
          </Typography.Text>
        </div>
      </>
    ),
  },
  { title: '牵头单位', key: 'lead', width: 170, render: (_: unknown, r: Row) => deptTag(r.leadDepartment) },
  {
    title: '配合单位',
    key: 'cooperating',
    width: 220,
    render: (_: unknown, r: Row) => (r.cooperatingDepartments.length ? <Space size={[4, 4]} wrap separator="、">{r.cooperatingDepartments.map(deptTag)}</Space> : '—'),
  },
];

export default function ImportPage() {
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [meta, setMeta] = useState<Meta>({});
  const [create, setCreate] = useState<string[]>([]);
  const [confirmRepeat, setConfirmRepeat] = useState(false);
  // One key per import and per dispatch: a double click or a retry after a lost answer applies once.
  const [importKey, setImportKey] = useState(newIdempotencyKey);
  const [dispatchKey] = useState(newIdempotencyKey);
  const [metaForm] = Form.useForm();

  const dryRun = useMutation({ mutationFn: (q: ExcelImportQuery) => imports.excel(file!, { ...q, dryRun: 'true' }) });
  const doImport = useMutation({ mutationFn: (q: ExcelImportQuery) => imports.excel(file!, q, importKey) });
  const dispatch = useMutation<DispatchAllResult, Error, string>({ mutationFn: (policyId) => policies.dispatchAll(policyId, dispatchKey) });

  const checked = dryRun.data;
  const imported = doImport.data;
  const step = dispatch.data ? 3 : imported ? 2 : checked ? 1 : 0;

  /** Checks again with the choices made (departments to create, repeat confirmed, title given). */
  const recheck = (next: { meta?: Meta; create?: string[]; confirmRepeat?: boolean } = {}) => {
    const m = next.meta ?? meta;
    const c = next.create ?? create;
    const r = next.confirmRepeat ?? confirmRepeat;
    setMeta(m);
    setCreate(c);
    setConfirmRepeat(r);
    dryRun.mutate(choices(m, c, r));
  };

  const restart = () => {
    setFile(null);
    setMeta({});
    setCreate([]);
    setConfirmRepeat(false);
    setImportKey(newIdempotencyKey());
    metaForm.resetFields();
    dryRun.reset();
    doImport.reset();
    dispatch.reset();
  };

  return (
    <Card
      title="导入政策文件"
      extra={
        <Button icon={<DownloadOutlined />} href={imports.templateUrl} download>
          下载导入模板
        </Button>
      }
    >
      <Steps current={step} style={{ marginBottom: 24 }} responsive items={[{ title: '上传工作簿' }, { title: '核对试导入结果' }, { title: '导入完成' }, { title: '交办' }]} />

      {step === 0 && (
        <Flex vertical gap="middle">
          <Upload.Dragger
            accept=".xlsx"
            maxCount={1}
            fileList={file ? [{ uid: 'workbook', name: file.name, status: 'done' }] : []}
            beforeUpload={(f) => {
              if (!f.name.toLowerCase().endsWith('.xlsx')) {
                message.error('请上传 .xlsx 格式的 Excel 工作簿（可先下载导入模板）');
                return Upload.LIST_IGNORE;
              }
              if (f.size > MAX_MB * 1024 * 1024) {
                message.error(`文件超过 ${MAX_MB} MB，请拆分后分批导入`);
                return Upload.LIST_IGNORE;
              }
              setFile(f);
              dryRun.reset();
              return false; // kept here; sent with the dry run
            }}
            onRemove={() => setFile(null)}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">点击或拖入 Excel 工作簿（.xlsx）</p>
            <p className="ant-upload-hint">表头为：序号、方面、措施、牵头单位、配合单位、完成时限、工作目标。标题取表头上方的《…》行，也可在下面填写。</p>
          </Upload.Dragger>
          <Form
            form={metaForm}
            layout="vertical"
            onValuesChange={(_, all: { title?: string; code?: string; issuer?: string; issuedOn?: Dayjs }) =>
              setMeta({ title: all.title?.trim() || undefined, code: all.code?.trim() || undefined, issuer: all.issuer?.trim() || undefined, issuedOn: all.issuedOn?.format('YYYY-MM-DD') })
            }
          >
            <Flex wrap gap="small">
              <Form.Item name="title" label="文件标题（工作簿中没有标题行时填写）" style={{ flex: '1 1 320px' }}>
                <Input maxLength={300} placeholder="如 关于加快培育新质生产力的若干措施" />
              </Form.Item>
              <Form.Item name="code" label="文件编号（可不填）" style={{ flex: '1 1 160px' }}>
                <Input maxLength={64} />
              </Form.Item>
              <Form.Item name="issuer" label="发文单位（可不填）" style={{ flex: '1 1 200px' }}>
                <Input maxLength={300} />
              </Form.Item>
              <Form.Item name="issuedOn" label="印发日期（可不填）" style={{ flex: '0 1 160px' }}>
                <DatePicker style={{ width: '100%' }} />
              </Form.Item>
            </Flex>
          </Form>
          {dryRun.error && <Alert type="error" showIcon title="无法读取这个工作簿" description={`${dryRun.error.message}。请按模板修改后重新上传。`} />}
          <div>
            <Button type="primary" disabled={!file} loading={dryRun.isPending} onClick={() => recheck()}>
              试导入（只检查，不写入）
            </Button>
          </div>
        </Flex>
      )}

      {step === 1 && checked && (
        <Flex vertical gap="middle">
          <Descriptions bordered size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label="文件标题" span="filled">
              {checked.title ? (
                <>
                  《{checked.title.text}》
                  <Typography.Text type="secondary">{checked.title.source === 'sheet' ? `（取自第${checked.title.row}行）` : '（您填写的）'}</Typography.Text>
                </>
              ) : (
                <Typography.Text type="danger">未找到，请返回上一步填写</Typography.Text>
              )}
            </Descriptions.Item>
            <Descriptions.Item label="工作簿">
              <span translate="no">{file?.name}</span>
            </Descriptions.Item>
            <Descriptions.Item label="措施">{checked.measures} 项</Descriptions.Item>
            <Descriptions.Item label="方面">{checked.areas.length} 个</Descriptions.Item>
          </Descriptions>

          {checked.repeatOf && (
            <Alert
              type="warning"
              showIcon
              title="内容相同的清单已导入过"
              description={
                <>
                  <div>
                    已于 {formatDay(checked.repeatOf.createdAt.slice(0, 10))} 导入为《{checked.repeatOf.title}》（文件编号 {checked.repeatOf.code}）。通常无须再导入。
                  </div>
                  <Checkbox checked={confirmRepeat} onChange={(e) => recheck({ confirmRepeat: e.target.checked })}>
                    确需再导入一份
                  </Checkbox>
                </>
              }
            />
          )}

          {checked.unknownDepartments.length > 0 && (
            <Card size="small" title={`系统中尚无的部门（${checked.unknownDepartments.length}）`}>
              <Typography.Paragraph type="secondary">勾选的部门随本次导入新建；若是已有部门的另一种写法，请在工作簿中改为已有名称后重新上传。</Typography.Paragraph>
              <Table
                size="small"
                rowKey="name"
                pagination={false}
                scroll={{ x: 560 }}
                dataSource={checked.unknownDepartments}
                columns={[
                  {
                    title: '随导入新建',
                    key: 'create',
                    width: 100,
                    render: (_, d) => (
                      <Checkbox
                        aria-label={`新建${d.name}`}
                        checked={create.includes(d.name)}
                        onChange={(e) => recheck({ create: e.target.checked ? [...create, d.name] : create.filter((n) => n !== d.name) })}
                      />
                    ),
                  },
                  { title: '清单中的写法', dataIndex: 'name' },
                  { title: '出现在', key: 'uses', render: (_, d) => d.uses.map((u) => `第${u.row}行${u.column}`).join('、') },
                  { title: '相近的已有部门', key: 'similar', render: (_, d) => d.similar.join('、') || '—' },
                ]}
              />
              {checked.unknownDepartments.length > 1 && (
                <Button style={{ marginTop: 8 }} onClick={() => recheck({ create: checked.unknownDepartments.map((d) => d.name) })}>
                  全部新建
                </Button>
              )}
            </Card>
          )}

          {checked.warnings.length > 0 && (
            <Alert
              type="info"
              showIcon
              title={`请留意（${checked.warnings.length}）：不妨碍导入`}
              description={
                <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                  {checked.warnings.map((w, i) => (
                    <li key={i}>{plain(w.message)}</li>
                  ))}
                </ul>
              }
            />
          )}
          {checked.blockers.length > 0 ? (
            <Alert
              type="error"
              showIcon
              title="导入前还须处理"
              description={
                <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                  {checked.blockers.map((b, i) => (
                    <li key={i}>{plain(b.message)}</li>
                  ))}
                </ul>
              }
            />
          ) : (
            <Alert type="success" showIcon title="检查通过，可以导入。导入后措施为草稿，交办后进入责任清单。" />
          )}

          <Table<Row> size="small" rowKey="row" dataSource={checked.preview ?? []} columns={previewColumns} scroll={{ x: 860 }} pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }} />

          {doImport.error && <Alert type="error" showIcon title="导入未完成" description={`${doImport.error.message}。请按提示处理后再试；未写入任何内容。`} />}
          <Space wrap>
            <Button onClick={() => dryRun.reset()}>返回修改</Button>
            <Button type="primary" disabled={!checked.ready || dryRun.isPending} loading={doImport.isPending} onClick={() => doImport.mutate(choices(meta, create, confirmRepeat))}>
              确认导入{checked.measures} 项措施
            </Button>
          </Space>
        </Flex>
      )}

      {step === 2 && imported?.policy && (
        <Result
          status="success"
          title={`已导入《${imported.policy.title}》`}
          subTitle={
            <>
              {imported.measures} 项措施为草稿，{imported.areas.length} 个方面
              {imported.createdDepartments.length > 0 && `；新建部门：${imported.createdDepartments.map((d) => d.name).join('、')}`}。交办后措施进入责任清单，牵头单位收到签收通知。
            </>
          }
          extra={
            <Space wrap>
              <Button type="primary" loading={dispatch.isPending} onClick={() => dispatch.mutate(imported.policy!.id)}>
                交办全部措施
              </Button>
              <Button onClick={restart}>稍后交办，继续导入其他文件</Button>
            </Space>
          }
        >
          {dispatch.error && <Alert type="error" showIcon title={`${dispatch.error.message}。可再次点击“交办全部措施”，已交办的不会重复。`} />}
        </Result>
      )}

      {step === 3 && dispatch.data && imported?.policy && (
        <Result
          status={dispatch.data.failed.length ? 'warning' : 'success'}
          title={`已交办 ${dispatch.data.dispatched.length + dispatch.data.alreadyDispatched.length} 项措施`}
          subTitle={dispatch.data.failed.length ? `${dispatch.data.failed.length} 项未能交办：${dispatch.data.failed.map((f) => `第${f.seq}项（${f.message.split(' / ')[0]}）`).join('；')}。可稍后再次交办。` : '各牵头单位将收到签收通知。'}
          extra={
            <Space wrap>
              <Link to={`/office?list=responsibility&policyId=${imported.policy.id}`}>
                <Button type="primary">查看责任清单</Button>
              </Link>
              {dispatch.data.failed.length > 0 && (
                <Button loading={dispatch.isPending} onClick={() => dispatch.mutate(imported.policy!.id)}>
                  再次交办
                </Button>
              )}
              <Button onClick={restart}>导入其他文件</Button>
            </Space>
          }
        />
      )}
    </Card>
  );
}
